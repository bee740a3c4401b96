import LockstepAnalysis
import LockstepCore

/// Flagged accounts, highest score first, each with its evidence and partners one click away.
enum FindingsSection: ReportSection {
    static let limit = 150

    static func render(_ ctx: ReportContext) -> RenderedSection? {
        guard let f = ctx.run.context.result(of: Findings.self) else { return nil }
        let ids = ctx.accountIndex
        var s = "<div class=\"figs\">"
        s += "<div class=\"fig\"><b>\(HTML.number(f.flagged))</b>flagged of \(HTML.number(f.accountsScored)) accounts</div>"
        for (role, n) in f.byRole.sorted(by: { $0.key < $1.key }) {
            s += "<div class=\"fig\"><b>\(HTML.number(n))</b>\(HTML.escape(role == "none" ? "flagged without a coordination role" : role))</div>"
        }
        s += "</div><p class=\"muted\">An account is flagged when its evidence score reaches \(HTML.number(f.threshold, digits: 2)). "
        s += "The score combines independent pieces of evidence (noisy-OR of their weights); each row lists them. See docs/methodology/findings.md.</p>"
        if !f.reasonsAmongFlagged.isEmpty {
            s += SVGChart.bars(f.reasonsAmongFlagged.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .prefix(12).map { ($0.key, Double($0.value)) }, title: "Evidence among flagged accounts")
        }
        guard !f.accounts.isEmpty else {
            return RenderedSection(id: "findings", title: "Flagged accounts", html: s + "<p>No account reaches the threshold.</p>")
        }
        s += "<table><tr><th>account</th><th>score</th><th>role</th><th>cluster</th><th>evidence</th></tr>"
        for a in f.accounts.prefix(limit) {
            let label = a.handle.isEmpty ? a.account : "@" + a.handle
            s += "<tr id=\"\(HTML.anchor("acct", a.account))\"><td>\(HTML.escape(label))<br><span class=\"mono muted\">\(HTML.escape(a.account))</span></td>"
            s += "<td class=\"n\">\(HTML.number(a.score, digits: 3))</td><td>\(HTML.escape(a.role ?? ""))</td>"
            s += "<td>\(a.cluster.map { "<a href=\"#cluster-\($0)\">\($0)</a>" } ?? "")</td><td><details><summary>"
            s += HTML.escape(a.evidence.map(\.code).joined(separator: ", ")) + "</summary><ul>"
            for e in a.evidence { s += "<li><b>\(HTML.number(e.weight, digits: 2))</b> \(HTML.escape(e.detail))</li>" }
            s += "</ul>"
            if !a.partners.isEmpty {
                s += "<p class=\"muted\">Strongest partners (shared item, this account's post and time, the partner's):</p><ul>"
                for p in a.partners {
                    let link = ids[p.account].map { ctx.accountLink($0) } ?? HTML.escape(p.handle.isEmpty ? p.account : "@" + p.handle)
                    s += "<li>\(link): \(HTML.escape(p.trace)) × \(p.weight); led \(p.leads), followed \(p.follows)"
                    if !p.examples.isEmpty { s += "<br><span class=\"mono\">" + p.examples.prefix(3).map(HTML.escape).joined(separator: "<br>") + "</span>" }
                    s += "</li>"
                }
                s += "</ul>"
            }
            s += "</details></td></tr>"
        }
        s += "</table>"
        if f.accounts.count > limit { s += "<p class=\"muted\">\(f.accounts.count - limit) more flagged accounts are in accounts.csv and summary.json.</p>" }
        return RenderedSection(id: "findings", title: "Flagged accounts", html: s)
    }
}

/// Hour × weekday heatmaps in the inferred zone for the whole input, the flagged accounts and the
/// largest clusters, with the offset inference and the holiday silences behind them.
enum ScheduleSection: ReportSection {
    static func render(_ ctx: ReportContext) -> RenderedSection? {
        guard let sch = ctx.run.context.result(of: Schedule.self) else { return nil }
        var groups: [(String, ScheduleFingerprint)] = [("All accounts", sch.group)]
        if !ctx.flaggedAccounts.isEmpty, let g = ctx.flaggedSchedule { groups.append(("Flagged accounts", g)) }
        if let c = ctx.run.context.result(of: Coordination.self) {
            for cl in c.clusters.prefix(3) { if let f = cl.schedule { groups.append(("Cluster \(cl.id)", f)) } }
        }
        var s = "<table><tr><th>group</th><th>accounts with posts</th><th>posts</th><th>verdict</th><th>offset</th><th>fit</th><th>runner-up</th><th>confidence</th><th>office-hours share</th></tr>"
        for (name, g) in groups {
            let inf = g.inference
            s += "<tr><td>\(HTML.escape(name))</td><td class=\"n\">\(HTML.number(g.accounts))</td><td class=\"n\">\(HTML.number(g.posts))</td>"
            s += "<td>\(HTML.escape(inf.verdict))</td><td>\(inf.offsetHours.map { "UTC" + (($0 >= 0) ? "+" : "") + String($0) } ?? "")</td>"
            s += "<td class=\"n\">\(HTML.number(inf.fit, digits: 2))</td><td>UTC\(inf.runnerUpOffsetHours >= 0 ? "+" : "")\(inf.runnerUpOffsetHours) (\(HTML.number(inf.runnerUpFit, digits: 2)))</td>"
            s += "<td>\(HTML.escape(inf.confidence))</td><td class=\"n\">\(g.workhoursShare.map { HTML.percent($0) } ?? "")</td></tr>"
        }
        s += "</table><div class=\"charts\">"
        for (name, g) in groups {
            // Each group is drawn in its own inferred zone: an office shows as an office.
            let local: [[Double]]
            let zone: String
            if let h = g.inference.offsetHours, g.inference.verdict == "working-week" {
                local = shift(g.hourWeekdayUTC, hours: h)
                zone = "UTC" + (h >= 0 ? "+" : "") + String(h)
            } else {
                local = g.hourWeekdayLocal.map { $0.map(Double.init) }
                zone = g.localZone
            }
            s += SVGChart.heatmap(local, title: "\(name): posts by weekday and hour", zone: zone)
        }
        s += "</div>"
        let silences = sch.group.silences
        if !silences.isEmpty {
            s += "<p>Silences inside active periods (near-zero activity for days):</p><table><tr><th>from</th><th>to</th><th>days</th><th>posts during</th><th>usual per day</th></tr>"
            for x in silences {
                s += "<tr><td>\(HTML.escape(x.from))</td><td>\(HTML.escape(x.to))</td><td class=\"n\">\(x.days)</td><td class=\"n\">\(x.postsDuring)</td><td class=\"n\">\(HTML.number(x.baselinePerDay))</td></tr>"
            }
            s += "</table>"
        }
        return RenderedSection(id: "schedule", title: "Schedule and inferred time zone", html: s)
    }

    /// Re-bins a UTC weekday × hour table to local time at a whole-hour offset.
    static func shift(_ utc: [[Int]], hours h: Int) -> [[Double]] {
        var out = [[Double]](repeating: [Double](repeating: 0, count: 24), count: 7)
        for d in 0..<7 {
            for hr in 0..<24 {
                let b = ((d * 24 + hr + h) % 168 + 168) % 168
                out[b / 24][b % 24] += Double(utc[d][hr])
            }
        }
        return out
    }
}

/// Cadence, clients, personas, creation cohorts and languages: the behavioural fingerprint.
enum FingerprintSection: ReportSection {
    static func render(_ ctx: ReportContext) -> RenderedSection? {
        let c = ctx.run.context
        guard c.result(of: Cadence.self) != nil || c.result(of: Clients.self) != nil || c.result(of: CreationCohorts.self) != nil else { return nil }
        var s = "<div class=\"charts\">"
        if let cad = c.result(of: Cadence.self) {
            s += SVGChart.bars(cad.labels.sorted { $0.key < $1.key }.map { ($0.key, Double($0.value)) }, title: "Accounts by posting cadence")
        }
        if let cl = c.result(of: Clients.self) {
            s += SVGChart.bars(cl.postsByCategory.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { ($0.key, $0.value * 100) }, title: "Posts by client category (%)",
                               valueFormat: { HTML.number($0, digits: 1) + "%" })
        }
        if let p = c.result(of: Personas.self) {
            var items: [(String, Double)] = []
            if let z = p.zeroFollowersShare { items.append(("zero followers", z * 100)) }
            if let d = p.emptyDescription, p.accounts > 0 { items.append(("empty description", Double(d) / Double(p.accounts) * 100)) }
            if let l = p.emptyLocation, p.accounts > 0 { items.append(("empty location", Double(l) / Double(p.accounts) * 100)) }
            s += SVGChart.bars(items, title: "Persona signs (% of accounts)", valueFormat: { HTML.number($0, digits: 1) + "%" })
        }
        s += "</div>"
        if let co = c.result(of: CreationCohorts.self) {
            s += creationChart(ctx, co)
            if !co.cohorts.isEmpty {
                s += "<p>Creation cohorts: days (or hours) with far more new accounts than the input's spread of creation dates explains.</p>"
                s += "<table><tr><th>date</th><th>unit</th><th>accounts</th><th>expected</th><th>log₁₀ p</th><th>members (first 12)</th></tr>"
                for k in co.cohorts.prefix(30) {
                    s += "<tr><td>\(HTML.escape(k.date))</td><td>\(HTML.escape(k.granularity))</td><td class=\"n\">\(k.size)</td><td class=\"n\">\(HTML.number(k.baseline))</td>"
                    s += "<td class=\"n\">\(HTML.number(k.log10P, digits: 1))</td><td class=\"mono\">\(HTML.escape(k.members.prefix(12).joined(separator: " ")))</td></tr>"
                }
                s += "</table>"
            }
        }
        if let l = c.result(of: Languages.self), !l.mismatchPairs.isEmpty {
            s += "<p>Accounts posting in another language than their account language:</p><table><tr><th>account language</th><th>posting language</th><th>accounts</th></tr>"
            for m in l.mismatchPairs.prefix(15) {
                s += "<tr><td>\(HTML.escape(m.accountLanguage))</td><td>\(HTML.escape(m.postLanguage))</td><td class=\"n\">\(m.accounts)</td></tr>"
            }
            s += "</table>"
        }
        return RenderedSection(id: "fingerprints", title: "Behavioural fingerprints", html: s)
    }

    static func creationChart(_ ctx: ReportContext, _ co: CreationCohorts.Result) -> String {
        var perDay: [Int: Double] = [:]
        let ds = ctx.dataset
        for a in ds.accountsInData {
            let t = ds.accounts.created[Int(a)]
            if t != noTime { perDay[CivilTime.dayNumber(t), default: 0] += 1 }
        }
        guard !perDay.isEmpty else { return "" }
        let markers = co.cohorts.prefix(8).compactMap { k -> (day: Int, label: String)? in
            guard let t = CivilTime.parseISO(String(k.date.prefix(10))) else { return nil }
            return (CivilTime.dayNumber(t), "\(k.date.prefix(10)) (\(k.size))")
        }
        return SVGChart.timeline([(label: "accounts created", points: perDay.map { (day: $0.key, value: $0.value) })],
                                 title: "Accounts created per day, cohorts marked", markers: markers)
    }
}
