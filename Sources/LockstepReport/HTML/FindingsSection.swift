import LockstepAnalysis
import LockstepCore

/// Flagged accounts, highest score first, each with its evidence and partners one click away.
/// Figures and the table are the shared templates the workspace's overview and account pages use.
enum FindingsSection: ReportSection {
    static let limit = 150

    static func render(_ ctx: ReportContext) -> RenderedSection? {
        guard let f = ctx.run.context.result(of: Findings.self) else { return nil }
        let ids = ctx.accountIndex
        var s = ctx.templates.render(["figures": SharedSections.findingsFigures(f)], "figures")
        s += "<p class=\"muted\">An account is flagged when its evidence score reaches \(HTML.number(f.threshold, digits: 2)). "
        s += "The score combines independent pieces of evidence (noisy-OR of their weights); each row lists them. See docs/methodology/findings.md.</p>"
        if !f.reasonsAmongFlagged.isEmpty {
            s += SVGChart.bars(f.reasonsAmongFlagged.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .prefix(12).map { ($0.key, Double($0.value)) }, title: "Evidence among flagged accounts")
        }
        guard !f.accounts.isEmpty else {
            return RenderedSection(id: "findings", title: "Flagged accounts", html: s + "<p>No account reaches the threshold.</p>")
        }
        // Partners link to their own row when they are flagged too.
        let links = SharedSections.Links(account: { _ in nil }, partner: { id in ids[id].flatMap { f.isFlagged($0) ? "#" + HTML.anchor("acct", id) : nil } },
                                         cluster: { "#cluster-\($0)" })
        let rows = SharedSections.flaggedAccounts(f.accounts.prefix(limit).map(SharedSections.Flagged.init), links: links)
        s += ctx.templates.render(["flaggedAccounts": rows], "flaggedAccounts")
        if f.accounts.count > limit { s += "<p class=\"muted\">\(f.accounts.count - limit) more flagged accounts are in accounts.csv and summary.json.</p>" }
        return RenderedSection(id: "findings", title: "Flagged accounts", html: s)
    }
}
