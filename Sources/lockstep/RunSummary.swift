import LockstepAnalysis
import LockstepCore

/// The lines `lockstep analyze` ends with: what was found (flagged accounts, clusters, the
/// operation's working-week offset), and, when coordination found nothing, whether the input
/// even holds what the co-action traces match on.
enum RunSummary {
    static func lines(_ ds: Dataset, _ run: AnalysisRun) -> [String] {
        var out: [String] = []
        let ctx = run.context
        if let o = ctx.result(of: Overview.self) { out.append(o.headline) }
        if let c = ctx.result(of: Coordination.self) { out.append(coordination(c, ds)) }
        if let o = ctx.result(of: Operations.self), !o.operations.isEmpty {
            for op in o.operations.prefix(6) {
                var s = "\(op.verdict == "operation" ? "operation" : "group") \(op.id): \(op.verdict.replacingOccurrences(of: "_", with: " ")), \(n(op.accounts)) accounts (\(op.core) core, \(op.amplifiers) amplifiers) in cluster\(op.clusters.count == 1 ? "" : "s") \(op.clusters.map(String.init).joined(separator: ", "))"
                if let h = op.utcOffsetHours { s += "; office week at UTC\(signed(h))" }
                let top = op.reasons.prefix(3).map { "\($0.direction == "inauthentic" ? "+" : "−")\($0.signal)" }
                if !top.isEmpty { s += "; " + top.joined(separator: " ") }
                let others = op.amplifies.compactMap { a in a.operation.map { "operation \($0) (\(a.reposts) reposts)" } }
                if !others.isEmpty { s += "; amplifies " + others.joined(separator: ", ") }
                out.append(s)
            }
            if o.operations.count > 6 { out.append("… \(o.operations.count - 6) more groups in summary.json") }
        }
        if let f = ctx.result(of: Findings.self) {
            var s = "flagged: \(n(f.flagged)) of \(n(f.accountsScored)) scored account\(f.accountsScored == 1 ? "" : "s")"
            // Flagged accounts outside a cluster's core or amplifier roles are counted under "none".
            let roles = f.byRole.filter { $0.value > 0 }.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            if f.flagged > 0 && !roles.isEmpty {
                s += " (" + roles.map { $0.key == "none" ? "\($0.value) without a role" : "\($0.value) \($0.key)" }.joined(separator: ", ") + ")"
            }
            let reasons = f.reasonsAmongFlagged.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(3)
            if !reasons.isEmpty { s += "; top reasons: " + reasons.map { "\($0.key) \($0.value)" }.joined(separator: ", ") }
            out.append(s)
            if let fs = f.flaggedSchedule { out.append("flagged accounts' schedule: " + offset(fs.inference)) }
        }
        if let s = ctx.result(of: Schedule.self) { out.append("whole input's schedule: " + offset(s.group.inference)) }
        return out
    }

    static func offset(_ i: OffsetInference) -> String {
        guard i.verdict == "working-week", let h = i.offsetHours else {
            return i.verdict == "insufficient" ? "too few posts to place a working week" : "no working week (best fit UTC\(signed(i.bestOffsetHours)), not distinct)"
        }
        return "working week at UTC\(signed(h)) (confidence \(i.confidence))"
    }

    static func n(_ v: Int) -> String { NumberText.grouped(v) }

    static func signed(_ h: Int) -> String { h < 0 ? "\(h)" : "+\(h)" }

    static func coordination(_ c: Coordination.Result, _ ds: Dataset) -> String {
        let withEdges = c.traces.filter { $0.edges > 0 }.map { "\($0.trace) \(n($0.edges))" }
        if !c.clusters.isEmpty {
            let sizes = c.clusters.prefix(5).map { String($0.size) }.joined(separator: ", ")
            return "coordination: \(c.clusters.count) cluster\(c.clusters.count == 1 ? "" : "s") (largest \(sizes)\(c.clusters.count > 5 ? ", …" : "")), "
                + "\(n(c.clusteredAccounts)) accounts clustered; edges: \(withEdges.isEmpty ? "none" : withEdges.joined(separator: ", "))"
        }
        // Nothing found: say whether the input could have shown anything.
        var missing: [String] = []
        let P = ds.posts
        var retweetSources = 0, replies = 0
        for p in 0..<P.count {
            if P.kind[p] == .retweet && (P.retweetOf[p] != noID || P.retweetAccount[p] != noID) { retweetSources += 1 }
            if P.replyTo[p] != noID { replies += 1 }
        }
        if retweetSources == 0 { missing.append("retweet sources") }
        if P.hashtags.values.isEmpty { missing.append("hashtags") }
        if P.urls.values.isEmpty { missing.append("URLs") }
        if P.mentions.values.isEmpty { missing.append("mentions") }
        if replies == 0 { missing.append("replied-to posts") }
        let actions = c.traces.reduce(0) { $0 + $1.actions }
        if actions == 0 {
            return "coordination: none found; this input has no posts the traces act on (no \(list(missing)))"
        }
        var s = "coordination: none found; \(n(actions)) actions, but no pair of accounts co-acted at least \(c.minWeight) times"
        if let w = c.windowSeconds { s += " within \(w) s" }
        s += " and passed the significance filters"
        if !missing.isEmpty { s += "; this input has no \(list(missing)), so the traces on them had nothing to match" }
        return s
    }

    static func list(_ items: [String]) -> String {
        items.count <= 1 ? items.joined() : items.dropLast().joined(separator: ", ") + " or " + items.last!
    }
}
