import LockstepAnalysis
import LockstepCore

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
