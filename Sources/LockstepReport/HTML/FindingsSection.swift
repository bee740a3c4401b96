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

