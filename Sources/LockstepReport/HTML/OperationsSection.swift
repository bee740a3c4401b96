import LockstepAnalysis
import LockstepCore

/// Operations: one subsection per group of clusters, with its verdict and the reasons for it, the
/// office clock of the accounts that set its pace, roles, time span, the days its pace-setters fell
/// silent (holidays), hashtags, and what it amplifies
/// (other operations and watch-listed accounts).
enum OperationsSection: ReportSection {
    static func render(_ ctx: ReportContext) -> RenderedSection? {
        guard let r = ctx.run.context.result(of: Operations.self), !r.operations.isEmpty else { return nil }
        let ops = r.operations.filter { $0.verdict == "operation" }
        let authentic = r.operations.filter { $0.verdict == "authentic_coordination" }
        let undetermined = r.operations.filter { $0.verdict == "undetermined" }
        var s = ctx.templates.render(["figures": [
            ["value": HTML.number(ops.count), "label": "operations"],
            ["value": HTML.number(undetermined.count), "label": "undetermined groups"],
            ["value": HTML.number(authentic.count), "label": "groups of authentic coordination"],
        ]], "figures")
        s += "<p class=\"muted\">Coordinated clusters are grouped when one reposts the other or they share their items, at compatible office clocks, and each group is judged from what its members look like: a workplace (accounts made or bought in batches, thin personas, one client, an office week or rota, steady work, members that live for it) or people with lives (established accounts with audiences, their own hours, bursts around events, other things to post about). Only groups judged operations count as evidence against their members. See docs/methodology/operations.md.</p>"
        for o in r.operations.prefix(20) {
            s += "<h3 id=\"operation-\(o.id)\">\(o.verdict == "operation" ? "Operation" : "Group") \(o.id): \(HTML.escape(o.verdict.replacingOccurrences(of: "_", with: " ")))</h3>"
            var facts = "\(HTML.number(o.accounts)) accounts (\(HTML.number(o.core)) core, \(HTML.number(o.amplifiers)) amplifiers) in cluster\(o.clusters.count == 1 ? "" : "s") "
            facts += o.clusters.map { "<a href=\"#cluster-\($0)\">\($0)</a>" }.joined(separator: ", ")
            facts += "; active \(HTML.escape(String((o.firstPost ?? "").prefix(10)))) – \(HTML.escape(String((o.lastPost ?? "").prefix(10))))"
            if let h = o.utcOffsetHours { facts += "; office hours at <b>UTC\(h >= 0 ? "+" : "")\(h)</b>, from \(HTML.escape(o.offsetBasis))" }
            else { facts += "; no office week among \(HTML.escape(o.offsetBasis))" }
            if let hs = o.holidays, !hs.isEmpty {
                let days = hs.prefix(4).map { $0.from == $0.to ? $0.from : "\($0.from) to \($0.to)" }
                facts += "; silent \(HTML.escape(days.joined(separator: ", ")))\(hs.count > 4 ? " and \(hs.count - 4) more" : "") in its own zone"
            }
            if !o.topHashtags.isEmpty { facts += "; hashtags \(HTML.escape(o.topHashtags.joined(separator: " ")))" }
            s += "<p>\(facts).</p>"
            if !o.joinedBecause.isEmpty { s += "<p class=\"muted\">Clusters joined because \(HTML.escape(o.joinedBecause.prefix(6).joined(separator: "; "))).</p>" }
            s += ctx.templates.render(SharedSections.operationReasons(o.reasons, inauthentic: o.inauthentic, authentic: o.authentic), "operationReasons")
            if !o.amplifies.isEmpty {
                s += "<table><tr><th>amplifies</th><th>reposts</th><th>examples</th></tr>"
                for a in o.amplifies {
                    let target = a.operation.map { "<a href=\"#operation-\($0)\">operation \($0)</a>" }
                        ?? (a.account.map { HTML.escape($0) + (a.label.map { " [" + HTML.escape($0) + "]" } ?? "") } ?? HTML.escape("label: " + (a.label ?? "")))
                    s += "<tr><td>\(target)</td><td class=\"n\">\(HTML.number(a.reposts))</td><td class=\"mono\">\(HTML.escape(a.examples.joined(separator: "; ")))</td></tr>"
                }
                s += "</table>"
            }
        }
        if r.operations.count > 20 { s += "<p class=\"muted\">\(r.operations.count - 20) more groups in summary.json.</p>" }
        return RenderedSection(id: "operations", title: "Operations", html: s)
    }
}
