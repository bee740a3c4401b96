import LockstepAnalysis
import LockstepCore

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
