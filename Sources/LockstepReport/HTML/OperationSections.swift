import LockstepAnalysis
import LockstepCore

/// Coordinated clusters: the table, the network picture and what each cluster amplifies.
enum CoordinationSection: ReportSection {
    static let maxNodes = 400

    static func render(_ ctx: ReportContext) -> RenderedSection? {
        guard let c = ctx.run.context.result(of: Coordination.self) else { return nil }
        var s = ctx.templates.render(["figures": [
            ["value": HTML.number(c.clusters.count), "label": "coordinated clusters"],
            ["value": HTML.number(c.clusteredAccounts), "label": "accounts in them"],
            ["value": HTML.number(c.coreAccounts), "label": "core"],
            ["value": HTML.number(c.amplifierAccounts), "label": "amplifiers"],
            ["value": HTML.number(c.edges), "label": "significant edges"],
        ]], "figures")
        let traces = c.traces.filter { $0.edges > 0 }.map { "\($0.trace) \(HTML.number($0.edges))" }.joined(separator: ", ")
        s += "<p class=\"muted\">Edges per trace: \(HTML.escape(traces.isEmpty ? "none" : traces)). Window \(c.windowSeconds.map { "\($0) s" } ?? "whole period")"
        if let e = c.windowEstimate { s += "; estimated window (CooRnet-style) \(e.seconds) s" }
        s += ". See docs/methodology/coordination.md.</p>"
        guard !c.clusters.isEmpty else { return RenderedSection(id: "coordination", title: "Coordination", html: s + "<p>No coordinated cluster.</p>") }
        s += network(ctx, c)
        s += activityByCluster(ctx, c)
        s += amplificationTable(c)
        s += "<table><tr><th>cluster</th><th>size</th><th>core / amplifiers</th><th>traces</th><th>active</th><th>office hours</th><th>top hashtags</th><th>amplifies most</th><th>watchlist share</th></tr>"
        for cl in c.clusters.prefix(50) {
            let tr = cl.traces.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            let amp = cl.amplification.accounts.prefix(3).map { t in
                HTML.escape((t.handle.map { "@" + $0 } ?? t.target) + (t.label.map { " (\($0))" } ?? "")) + " " + HTML.percent(t.share)
            }.joined(separator: ", ")
            let watch = cl.amplification.watchlistShares.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "\(HTML.escape($0.key)) \(HTML.percent($0.value))" }.joined(separator: ", ")
            s += "<tr id=\"cluster-\(cl.id)\"><td>\(cl.id)</td><td class=\"n\">\(cl.size)</td><td>\(cl.core) / \(cl.amplifiers)</td><td>\(HTML.escape(tr))</td>"
            s += "<td>\(HTML.escape(String((cl.firstCoaction ?? "").prefix(10)))) – \(HTML.escape(String((cl.lastCoaction ?? "").prefix(10))))</td>"
            s += "<td>\(cl.scheduleOffsetHours.map { "UTC" + ($0.hasPrefix("-") ? "" : "+") + HTML.escape($0) } ?? "")</td>"
            s += "<td>\(HTML.escape(cl.topHashtags.prefix(4).map { "#" + $0.value }.joined(separator: " ")))</td><td>\(amp)</td><td>\(watch)</td></tr>"
        }
        s += "</table>"
        return RenderedSection(id: "coordination", title: "Coordination", html: s)
    }

    /// Posts per day of the largest clusters, beside everyone else's, in the display zone.
    static func activityByCluster(_ ctx: ReportContext, _ c: Coordination.Result) -> String {
        let ds = ctx.dataset
        let shown = Array(c.clusters.prefix(4))
        var slot = [Int8](repeating: -1, count: ds.accounts.count)
        for (k, cl) in shown.enumerated() { for a in cl.memberIDs { slot[Int(a)] = Int8(k) } }
        var perDay = [[Int: Double]](repeating: [:], count: shown.count + 1)
        for p in 0..<ds.posts.count {
            let k = Int(slot[Int(ds.posts.account[p])])
            perDay[k < 0 ? shown.count : k][CivilTime.dayNumber(ds.posts.time[p] + Int64(ctx.offset)), default: 0] += 1
        }
        var series = shown.enumerated().map { (k, cl) in (label: "cluster \(cl.id)", points: perDay[k].map { (day: $0.key, value: $0.value) }) }
        series.append((label: "everyone else", points: perDay[shown.count].map { (day: $0.key, value: $0.value) }))
        return SVGChart.timeline(series, title: "Posts per day by cluster (\(ctx.zoneName))")
    }

    /// What each cluster amplifies most, outside itself, with watchlist labels.
    static func amplificationTable(_ c: Coordination.Result) -> String {
        var s = "<p>Amplification targets: the accounts and domains each cluster retweets, quotes, replies to, mentions and links most, outside its own members.</p>"
        s += "<table><tr><th>cluster</th><th>accounts amplified (share)</th><th>domains linked (share)</th></tr>"
        for cl in c.clusters.prefix(10) {
            let accounts = cl.amplification.accounts.prefix(6).map { t in
                HTML.escape((t.handle.map { "@" + $0 } ?? t.target) + (t.label.map { " [\($0)]" } ?? "")) + " " + HTML.percent(t.share)
            }.joined(separator: "<br>")
            let domains = cl.amplification.domains.prefix(6).map { t in
                HTML.escape(t.target + (t.label.map { " [\($0)]" } ?? "")) + " " + HTML.percent(t.share)
            }.joined(separator: "<br>")
            s += "<tr><td><a href=\"#cluster-\(cl.id)\">\(cl.id)</a></td><td>\(accounts)</td><td>\(domains)</td></tr>"
        }
        return s + "</table>"
    }

    /// The clusters as a picture: nodes coloured by cluster, core accounts larger, edges fused per pair.
    static func network(_ ctx: ReportContext, _ c: Coordination.Result) -> String {
        var degree: [Int32: Double] = [:]
        for e in c.edgeList { degree[e.a, default: 0] += Double(e.weight); degree[e.b, default: 0] += Double(e.weight) }
        let members = c.clusters.flatMap(\.memberIDs)
            .sorted { (degree[$0] ?? 0) != (degree[$1] ?? 0) ? (degree[$0] ?? 0) > (degree[$1] ?? 0) : $0 < $1 }
            .prefix(maxNodes)
        let index = Dictionary(uniqueKeysWithValues: members.enumerated().map { ($1, $0) })
        var fused: [Int: Double] = [:]
        for e in c.edgeList {
            guard let i = index[e.a], let j = index[e.b] else { continue }
            fused[min(i, j) * members.count + max(i, j), default: 0] += Double(e.weight)
        }
        let edges = fused.sorted { $0.key < $1.key }.map { ($0.key / members.count, $0.key % members.count, $0.value) }
        let groups = members.map { Int(c.accountCluster[Int($0)]) }
        let pos = NetworkLayout.layout(groups, edges: edges)
        let w = 900.0, h = 560.0
        var s = "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 900 580\" width=\"900\" height=\"580\" xmlns=\"http://www.w3.org/2000/svg\">"
        s += "<title>Coordination network</title><text x=\"0\" y=\"14\" class=\"ct\">Coordination network: \(members.count) most connected clustered accounts, coloured by cluster; larger dots are core accounts</text>"
        for (a, b, _) in edges {
            s += "<line x1=\"\(SVGChart.fmt(pos[a].x * w))\" y1=\"\(SVGChart.fmt(20 + pos[a].y * h))\" x2=\"\(SVGChart.fmt(pos[b].x * w))\" y2=\"\(SVGChart.fmt(20 + pos[b].y * h))\" stroke=\"#9aa3af\" stroke-opacity=\"0.35\" stroke-width=\"0.6\"/>"
        }
        let palette = ["#3867d6", "#c0392b", "#27ae60", "#8e44ad", "#e67e22", "#16a085", "#2c3e50", "#d35400", "#7f8c8d", "#f1c40f"]
        for (i, a) in members.enumerated() {
            let core = c.accountRole[Int(a)] == .core
            let colour = palette[(groups[i] - 1 + palette.count * 100) % palette.count]
            let label = ctx.dataset.handle(of: a).isEmpty ? ctx.dataset.accountID(of: a) : "@" + ctx.dataset.handle(of: a)
            s += "<circle cx=\"\(SVGChart.fmt(pos[i].x * w))\" cy=\"\(SVGChart.fmt(20 + pos[i].y * h))\" r=\"\(core ? 5 : 3)\" fill=\"\(colour)\"><title>\(HTML.escape(label)) — cluster \(groups[i])\(core ? ", core" : "")</title></circle>"
        }
        return s + "</svg>"
    }
}

/// The narrative timeline: the hashtags that moved most at each change point, week by week.
enum NarrativesSection: ReportSection {
    static func render(_ ctx: ReportContext) -> RenderedSection? {
        guard let n = ctx.run.context.result(of: Narratives.self), ctx.dataset.posts.count > 0 else { return nil }
        let ds = ctx.dataset
        let points = n.changePoints.filter { $0.group == "all" }.sorted { $0.rank < $1.rank }
        var s = ""
        // Chart the strongest movers' weekly use, with every change point marked.
        var tags: [String] = []
        for cp in points.prefix(3) {
            for m in cp.risingHashtags.prefix(2) + cp.fallingHashtags.prefix(2) where !tags.contains(m.term) { tags.append(m.term) }
        }
        if tags.isEmpty, let g = n.groups.first { tags = Array(g.topHashtags.prefix(4)) }
        let index = ds.hashtags.index()
        let ids = Array(tags.compactMap { t in index[t.lowercased()].map { (tag: t, id: $0) } }.prefix(6))
        if !ids.isEmpty {
            let wanted = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1.id, $0) })
            var weekly = [[Int: Double]](repeating: [:], count: ids.count)
            for p in 0..<ds.posts.count {
                for t in ds.posts.hashtags[p] {
                    if let k = wanted[t] {
                        let day = CivilTime.dayNumber(ds.posts.time[p] + Int64(ctx.offset))
                        let monday = day - CivilTime.weekday(dayNumber: day)
                        weekly[k][monday, default: 0] += 1
                    }
                }
            }
            let series = ids.enumerated().map { (k, x) in (label: "#" + x.tag, points: weekly[k].map { (day: $0.key, value: $0.value) }) }
            let markers = points.prefix(6).compactMap { cp -> (day: Int, label: String)? in
                CivilTime.parseISO(cp.date).map { (CivilTime.dayNumber($0), cp.date) }
            }
            s += SVGChart.timeline(series, title: "Weekly uses of the hashtags that moved most, change points marked", markers: markers)
        }
        if points.isEmpty {
            s += "<p>No significant shift in the topic mix was found.</p>"
        } else {
            s += "<table><tr><th>date</th><th>distance (p)</th><th>rising</th><th>falling</th></tr>"
            for cp in points.prefix(12) {
                let up = (cp.risingHashtags.prefix(4).map { "#" + $0.term } + cp.rising.prefix(5).map(\.term)).joined(separator: " ")
                let down = (cp.fallingHashtags.prefix(4).map { "#" + $0.term } + cp.falling.prefix(5).map(\.term)).joined(separator: " ")
                s += "<tr><td>\(HTML.escape(cp.date))</td><td>\(HTML.number(cp.distance, digits: 3)) (\(HTML.number(cp.pValue, digits: 3)))</td>"
                s += "<td>\(HTML.escape(up))</td><td>\(HTML.escape(down))</td></tr>"
            }
            s += "</table>"
        }
        let groups = n.groups.filter { $0.group != "all" && !$0.changePoints.isEmpty }
        for g in groups.prefix(4) {
            s += "<p><b>\(HTML.escape(g.group))</b> (\(HTML.number(g.accounts)) accounts): change points "
            s += HTML.escape(g.changePoints.prefix(5).map(\.date).joined(separator: ", ")) + "; top hashtags "
            s += HTML.escape(g.topHashtags.prefix(6).map { "#" + $0 }.joined(separator: " ")) + ".</p>"
        }
        return RenderedSection(id: "narratives", title: "Narratives and change points", html: s)
    }
}

/// Aged and hijacked accounts, each with what changed across its dormant gap.
enum HijackSection: ReportSection {
    static func render(_ ctx: ReportContext) -> RenderedSection? {
        guard let h = ctx.run.context.result(of: HijackedAccounts.self) else { return nil }
        let suspects = h.accounts.filter(\.suspect)
        var s = "<p>\(HTML.number(h.suspects)) suspected aged or hijacked accounts among \(HTML.number(h.dormantAccounts)) with a dormant gap of \(HTML.number(h.minGapDays)) days or more.</p>"
        let ids = ctx.accountIndex
        if !suspects.isEmpty {
            s += "<table><tr><th>account</th><th>dormant</th><th>changes</th><th>before</th><th>after</th></tr>"
            for a in suspects.prefix(100) {
                let link = ids[a.account].map { ctx.accountLink($0) } ?? HTML.escape(a.handle)
                s += "<tr><td>\(link)<br><span class=\"muted\">created \(HTML.escape(a.created ?? "?"))</span></td>"
                s += "<td>\(HTML.escape(a.dormantFrom)) → \(HTML.escape(a.dormantTo)) (\(a.dormantDays) days)\(a.testPost.map { "<br>first post after: “" + HTML.escape($0) + "”" } ?? "")</td>"
                s += "<td>\(HTML.escape(a.reasons.joined(separator: ", ")))</td><td>\(side(a.before))</td><td>\(side(a.after))</td></tr>"
            }
            s += "</table>"
        }
        let p = h.profileSignals
        if p.oldOtherLanguage > 0, let year = p.oldThroughYear, let lang = p.dominantLanguage {
            s += "<p>From profiles alone: \(HTML.number(p.oldOtherLanguage)) of \(HTML.number(p.oldAccounts)) accounts created in or before \(year) "
            s += "(the main creation wave is \(p.mainCreationYear.map(String.init) ?? "?")) have an account language other than \(HTML.escape(lang)) — a sign of bought or repurposed accounts.</p>"
        }
        return RenderedSection(id: "hijack", title: "Aged and hijacked accounts", html: s)
    }

    static func side(_ x: HijackedAccounts.Side) -> String {
        var parts = ["\(HTML.escape(x.from)) – \(HTML.escape(x.to)), \(HTML.number(x.posts)) posts, \(HTML.number(x.postsPerMonth)) a month"]
        if let l = x.language { parts.append("language \(HTML.escape(l))") }
        if let c = x.client { parts.append("client \(HTML.escape(c))") }
        if !x.topHashtags.isEmpty { parts.append(HTML.escape(x.topHashtags.prefix(4).map { "#" + $0 }.joined(separator: " "))) }
        return parts.joined(separator: "<br>")
    }
}

/// Follower order against creation date per target, the chart analysts draw by hand, surges marked.
enum FollowerSurgesSection: ReportSection {
    static func render(_ ctx: ReportContext) -> RenderedSection? {
        guard let f = ctx.run.context.result(of: FollowerSurges.self), f.hasInput else { return nil }
        var s = "<p>\(HTML.number(f.surges.count)) surge(s) of freshly created followers across \(HTML.number(f.targets.count)) target(s). Each dot is a follower: its place in the follow order (oldest left) against its account's creation date; red dots are in a surge.</p><div class=\"charts\">"
        for t in f.targets.prefix(12) {
            let mine = f.surges.filter { $0.target == t.target }
            let total = t.followers
            let ranges = mine.map { (total - 1 - $0.oldestPosition)...(total - 1 - $0.newestPosition) }
            let pts = zip(t.series.order, t.series.created).compactMap { (o, c) -> (x: Double, y: Double, highlight: Bool)? in
                guard let d = CivilTime.parseISO(c) else { return nil }
                return (Double(o), Double(CivilTime.dayNumber(d)), ranges.contains { $0.contains(o) })
            }
            s += SVGChart.scatter(pts, title: "\(t.target): \(HTML.number(total)) followers, \(mine.count) surge(s)", xLabel: "follow order →", yLabel: "created", yIsDay: true)
        }
        s += "</div>"
        if !f.surges.isEmpty {
            s += "<table><tr><th>target</th><th>from</th><th>to</th><th>followers</th><th>fresh</th><th>created</th><th>per day (usual)</th></tr>"
            for x in f.surges.prefix(50) {
                s += "<tr><td>\(HTML.escape(x.target))</td><td>\(HTML.escape(x.start))</td><td>\(HTML.escape(x.end))</td><td class=\"n\">\(x.size)</td><td class=\"n\">\(x.fresh)</td>"
                s += "<td>\(HTML.escape(x.createdFrom)) – \(HTML.escape(x.createdTo))</td><td>\(HTML.number(x.perDay)) (\(HTML.number(x.baselinePerDay)))</td></tr>"
            }
            s += "</table>"
        }
        return RenderedSection(id: "follower-surges", title: "Follower surges", html: s)
    }
}
