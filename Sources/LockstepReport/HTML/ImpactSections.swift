import LockstepAnalysis
import LockstepCore

// Impact and influence for hire (#16): engagement anomalies, breakout, influencer suspects and
// hashtag lead-lag. Every string from the input (handles, post ids, text, URLs, hashtags) is
// escaped; each section says what the data cannot show.

/// Renders a post reference: handle, time and post id, escaped.
private func postCell(_ p: PostRef) -> String {
    let who = p.handle.isEmpty ? p.account : "@" + p.handle
    let id = p.postID.isEmpty ? "" : " <span class=\"muted\">\(HTML.escape(p.postID))</span>"
    return "\(HTML.escape(who)) \(HTML.escape(p.time))\(id)"
}

/// Posts whose engagement lies far beyond their authors' follower base.
enum EngagementSection: ReportSection {
    static func render(_ ctx: ReportContext) -> RenderedSection? {
        guard let e = ctx.run.context.result(of: Engagement.self) else { return nil }
        var s = "<p>\(HTML.escape(e.note)).</p>"
        if e.hasCounts {
            s += "<p>\(HTML.number(e.postsModelled)) originals, replies and quotes modelled; \(HTML.number(e.beyondFollowers)) beyond their follower base, "
            s += "\(HTML.number(e.anomalousPosts)) of them with likes out of proportion to their reposts, quotes and replies "
            s += "(anomalous, by \(HTML.number(e.anomalousAccounts)) accounts). Posts of zero-follower accounts with \(HTML.number(e.minEngagement)) "
            s += "or more engagements: \(HTML.number(e.zeroFollowerPostsOver)), by \(HTML.number(e.zeroFollowerAccountsOver)) accounts.</p>"
            if !e.model.isEmpty {
                s += "<details><summary>Fitted model (median engagement per follower bin)</summary><table><tr><th>followers</th><th>posts</th><th>median engagement</th><th>anomalous from</th></tr>"
                for b in e.model {
                    s += "<tr><td>\(HTML.number(b.followersFrom))–\(HTML.number(b.followersTo))</td><td>\(HTML.number(b.posts))</td>"
                    s += "<td>\(HTML.number(b.medianEngagement))</td><td>\(HTML.number(b.threshold, digits: 0))</td></tr>"
                }
                s += "</table></details>"
            }
            if !e.posts.isEmpty {
                s += "<table><tr><th>post</th><th>followers</th><th>likes</th><th>reposts</th><th>quotes</th><th>replies</th><th>expected</th><th>z</th></tr>"
                for p in e.posts.prefix(50) {
                    s += "<tr><td>\(postCell(p.post))</td><td>\(HTML.number(p.followers))</td><td>\(HTML.number(p.likes))</td>"
                    s += "<td>\(HTML.number(p.reposts))</td><td>\(HTML.number(p.quotes))</td><td>\(HTML.number(p.replies))</td>"
                    s += "<td>\(HTML.number(p.expected))</td><td>\(HTML.number(p.z))</td></tr>"
                }
                s += "</table>"
                if e.posts.count > 50 { s += "<p>The first 50 of \(HTML.number(e.anomalousPosts)); all are in summary.json.</p>" }
            }
            s += "<p class=\"muted\">Counts are as the input gave them at collection time; who liked a post is not in the data.</p>"
        }
        return RenderedSection(id: "engagement", title: "Engagement anomalies", html: s)
    }
}

/// How far each coordinated group's content reached outside it.
enum BreakoutSection: ReportSection {
    static func render(_ ctx: ReportContext) -> RenderedSection? {
        guard let b = ctx.run.context.result(of: Breakout.self) else { return nil }
        var s = "<p>\(HTML.escape(b.note)).</p>"
        if b.groups.isEmpty { return RenderedSection(id: "breakout", title: "Breakout", html: s) }
        s += "<table><tr><th>group</th><th>members</th><th>engagements inside</th><th>from outside</th><th>outside share</th><th>outside accounts</th><th>assessment</th></tr>"
        for g in b.groups {
            s += "<tr><td>\(HTML.escape(g.group))</td><td>\(HTML.number(g.members))</td><td>\(HTML.number(g.inside.total))</td>"
            s += "<td>\(HTML.number(g.outside.total)) (\(HTML.number(g.outside.retweets)) RT, \(HTML.number(g.outside.quotes)) quotes, "
            s += "\(HTML.number(g.outside.replies)) replies, \(HTML.number(g.outside.mentions)) mentions)</td>"
            s += "<td>\(g.outsideShare.map(HTML.percent) ?? "–")</td><td>\(HTML.number(g.outsideAccounts))</td><td>\(HTML.escape(g.assessment))</td></tr>"
        }
        s += "</table>"
        for g in b.groups.prefix(5) where !g.topAmplifiers.isEmpty {
            s += "<p><b>\(HTML.escape(g.group))</b>: outside accounts that engaged most: "
            s += g.topAmplifiers.prefix(8).map { a in
                let who = HTML.escape(a.handle.isEmpty ? a.account : "@" + a.handle)
                let label = a.label.map { " [" + HTML.escape($0) + "]" } ?? ""
                return "\(who)\(label) ×\(HTML.number(a.engagements)) (\(HTML.number(max(0, a.followers))) followers)"
            }.joined(separator: ", ") + ".</p>"
        }
        return RenderedSection(id: "breakout", title: "Breakout", html: s)
    }
}

/// Established accounts outside the groups that post the groups' copy.
enum InfluencersSection: ReportSection {
    static func render(_ ctx: ReportContext) -> RenderedSection? {
        guard let r = ctx.run.context.result(of: Influencers.self) else { return nil }
        var s = "<p>\(HTML.escape(r.note)). \(HTML.number(r.accountsCopying)) accounts outside the groups copied them at least once; "
        s += "\(HTML.number(r.notEstablished)) copied often but are not established accounts. Copying is not proof of payment: "
        s += "the column <code>influencer_suspect</code> never flags an account by itself.</p>"
        for x in r.suspects.prefix(20) {
            s += "<h3>\(HTML.escape(x.handle.isEmpty ? x.account : "@" + x.handle))</h3><p>\(HTML.number(x.followers)) followers, created \(HTML.escape(x.created)), "
            s += "\(HTML.number(x.copies)) of \(HTML.number(x.posts)) posts copy \(HTML.escape(x.group)) (median \(HTML.number(x.medianLagMinutes, digits: 0)) minutes later), "
            s += "\(HTML.escape(x.firstCopy)) to \(HTML.escape(x.lastCopy)).</p>"
            s += "<table><tr><th>shared</th><th>group post</th><th>this account's post</th><th>lag (min)</th></tr>"
            for i in x.shared.prefix(8) {
                s += "<tr><td>\(HTML.escape(i.kind)): \(HTML.escape(i.item))</td><td>\(postCell(i.groupPost))</td><td>\(postCell(i.post))</td><td>\(HTML.number(i.lagMinutes, digits: 0))</td></tr>"
            }
            s += "</table>"
        }
        return RenderedSection(id: "influencers", title: "Influencer suspects", html: s)
    }
}

/// Hashtags used by watch-listed accounts and by the groups: who led.
enum LeadLagSection: ReportSection {
    static func render(_ ctx: ReportContext) -> RenderedSection? {
        guard let r = ctx.run.context.result(of: HashtagLeadLag.self) else { return nil }
        var s = "<p>\(HTML.escape(r.note)).</p>"
        guard !r.pairs.isEmpty else { return RenderedSection(id: "lead-lag", title: "Hashtag lead and lag", html: s) }
        s += "<table><tr><th>hashtag</th><th>group</th><th>first watch-listed use</th><th>group's first use</th><th>lead (h)</th>"
        s += "<th>watch-listed posts</th><th>group posts</th><th>median lag (h)</th><th>group posts within \(HTML.number(r.windowHours, digits: 0)) h</th></tr>"
        for p in r.pairs.prefix(30) {
            s += "<tr><td>#\(HTML.escape(p.hashtag))</td><td>\(HTML.escape(p.group))</td><td>\(HTML.escape(p.watchFirst))</td><td>\(HTML.escape(p.groupFirst))</td>"
            s += "<td>\(HTML.number(p.leadHours))</td><td>\(HTML.number(p.watchPosts))</td><td>\(HTML.number(p.groupPosts))</td>"
            s += "<td>\(p.lagMedianHours.map { HTML.number($0) } ?? "–")</td><td>\(HTML.number(p.groupPostsInWindow))</td></tr>"
        }
        s += "</table><p class=\"muted\">Lead: hours from the first watch-listed use to the group's first use (positive: watch-listed accounts first). "
        s += "Only hashtags in the posts' own words (not retweets); the data shows order in time, not who told whom.</p>"
        return RenderedSection(id: "lead-lag", title: "Hashtag lead and lag", html: s)
    }
}
