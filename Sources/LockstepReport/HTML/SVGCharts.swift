/// Inline SVG charts: no scripts, no remote assets, every label escaped.
package enum SVGChart {
    /// Horizontal bars, one per labelled value (languages, clients, hashtags).
    package static func bars(_ items: [(label: String, value: Double)], title: String, width: Int = 520, valueFormat: (Double) -> String = { HTML.number($0) }) -> String {
        guard !items.isEmpty else { return "" }
        let rowH = 20, labelW = 190, top = 24
        let h = top + items.count * rowH + 6
        let maxV = max(items.map(\.value).max() ?? 1, 1e-9)
        var s = "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 \(width) \(h)\" width=\"\(width)\" height=\"\(h)\" xmlns=\"http://www.w3.org/2000/svg\">"
        s += "<title>\(HTML.escape(title))</title><text x=\"0\" y=\"14\" class=\"ct\">\(HTML.escape(title))</text>"
        for (i, it) in items.enumerated() {
            let y = top + i * rowH
            let w = Int(Double(width - labelW - 70) * it.value / maxV)
            let label = it.label.count > 28 ? String(it.label.prefix(27)) + "…" : it.label
            s += "<text x=\"\(labelW - 6)\" y=\"\(y + 14)\" text-anchor=\"end\" class=\"cl\">\(HTML.escape(label))</text>"
            s += "<rect x=\"\(labelW)\" y=\"\(y + 3)\" width=\"\(max(w, 1))\" height=\"\(rowH - 6)\" class=\"bar\"><title>\(HTML.escape(it.label)): \(valueFormat(it.value))</title></rect>"
            s += "<text x=\"\(labelW + w + 4)\" y=\"\(y + 14)\" class=\"cv\">\(valueFormat(it.value))</text>"
        }
        return s + "</svg>"
    }

    /// A weekday × hour heatmap (7 rows Monday..Sunday, 24 columns), counts in local time.
    package static func heatmap(_ counts: [[Double]], title: String, zone: String) -> String {
        guard counts.count == 7, counts.allSatisfy({ $0.count == 24 }) else { return "" }
        let cell = 20, left = 36, top = 30
        let w = left + 24 * cell + 10, h = top + 7 * cell + 24
        let maxV = max(counts.flatMap { $0 }.max() ?? 1, 1e-9)
        let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        var s = "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 \(w) \(h)\" width=\"\(w)\" height=\"\(h)\" xmlns=\"http://www.w3.org/2000/svg\">"
        s += "<title>\(HTML.escape(title))</title><text x=\"0\" y=\"14\" class=\"ct\">\(HTML.escape(title)) (\(HTML.escape(zone)))</text>"
        for d in 0..<7 {
            s += "<text x=\"\(left - 4)\" y=\"\(top + d * cell + 14)\" text-anchor=\"end\" class=\"cl\">\(days[d])</text>"
            for hr in 0..<24 {
                let v = counts[d][hr]
                let a = v <= 0 ? 0.04 : 0.12 + 0.88 * (v / maxV)
                s += "<rect x=\"\(left + hr * cell)\" y=\"\(top + d * cell)\" width=\"\(cell - 1)\" height=\"\(cell - 1)\" class=\"hm\" fill-opacity=\"\(fmt(a))\"><title>\(days[d]) \(hr):00–\(hr):59: \(HTML.number(v))</title></rect>"
            }
        }
        for hr in stride(from: 0, to: 24, by: 3) {
            s += "<text x=\"\(left + hr * cell + 2)\" y=\"\(top + 7 * cell + 14)\" class=\"cl\">\(hr)h</text>"
        }
        return s + "</svg>"
    }

    /// One or more daily (or weekly) series over a shared x axis of day numbers; optional vertical markers.
    package static func timeline(_ series: [(label: String, points: [(day: Int, value: Double)])], title: String,
                                markers: [(day: Int, label: String)] = [], width: Int = 900, height: Int = 220) -> String {
        let all = series.flatMap { $0.points }
        guard let minD = all.map(\.day).min(), let maxD = all.map(\.day).max() else { return "" }
        // Marker labels take two staggered rows above the plot, so close dates do not overprint.
        let left = 48, right = 10, top = markers.isEmpty ? 26 : 44, bottom = 28
        let pw = Double(width - left - right), ph = Double(height - top - bottom)
        let maxV = max(all.map(\.value).max() ?? 1, 1e-9)
        let span = Double(max(maxD - minD, 1))
        func x(_ d: Int) -> Double { Double(left) + pw * Double(d - minD) / span }
        func y(_ v: Double) -> Double { Double(top) + ph * (1 - v / maxV) }
        var s = "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" xmlns=\"http://www.w3.org/2000/svg\">"
        s += "<title>\(HTML.escape(title))</title><text x=\"0\" y=\"14\" class=\"ct\">\(HTML.escape(title))</text>"
        s += "<line x1=\"\(left)\" y1=\"\(height - bottom)\" x2=\"\(width - right)\" y2=\"\(height - bottom)\" class=\"axis\"/>"
        s += "<text x=\"\(left - 4)\" y=\"\(top + 8)\" text-anchor=\"end\" class=\"cl\">\(HTML.number(maxV))</text>"
        s += "<text x=\"\(left)\" y=\"\(height - 8)\" class=\"cl\">\(CivilTimeLabel.date(minD))</text>"
        s += "<text x=\"\(width - right)\" y=\"\(height - 8)\" text-anchor=\"end\" class=\"cl\">\(CivilTimeLabel.date(maxD))</text>"
        for (k, m) in markers.sorted(by: { $0.day < $1.day }).enumerated() {
            let mx = fmt(x(m.day))
            s += "<line x1=\"\(mx)\" y1=\"\(top)\" x2=\"\(mx)\" y2=\"\(height - bottom)\" class=\"marker\"><title>\(HTML.escape(m.label))</title></line>"
            s += "<text x=\"\(mx)\" y=\"\(top - 2 - (k % 2) * 11)\" class=\"ml\">\(HTML.escape(m.label))</text>"
        }
        for (i, ser) in series.enumerated() {
            let pts = ser.points.sorted { $0.day < $1.day }.map { "\(fmt(x($0.day))),\(fmt(y($0.value)))" }.joined(separator: " ")
            s += "<polyline points=\"\(pts)\" class=\"s\(i % 6)\" fill=\"none\"><title>\(HTML.escape(ser.label))</title></polyline>"
        }
        if series.count > 1 {
            // Six colours: a seventh series would repeat one, so charts pass at most six.
            let step = (width - left - 16) / max(series.count, 1)
            for (i, ser) in series.enumerated() {
                s += "<text x=\"\(left + 8 + i * step)\" y=\"\(top + 12)\" class=\"lg s\(i % 6)t\">■ \(HTML.escape(String(ser.label.prefix(18))))</text>"
            }
        }
        return s + "</svg>"
    }

    /// A scatter of points (x, y in their own units) with optional highlighted x-ranges.
    package static func scatter(_ points: [(x: Double, y: Double, highlight: Bool)], title: String, xLabel: String, yLabel: String,
                               yIsDay: Bool = false, width: Int = 560, height: Int = 260) -> String {
        guard let minX = points.map(\.x).min(), let maxX = points.map(\.x).max(),
              let minY = points.map(\.y).min(), let maxY = points.map(\.y).max() else { return "" }
        let left = 70, right = 10, top = 24, bottom = 34
        let pw = Double(width - left - right), ph = Double(height - top - bottom)
        func x(_ v: Double) -> Double { Double(left) + pw * (v - minX) / max(maxX - minX, 1e-9) }
        func y(_ v: Double) -> Double { Double(top) + ph * (1 - (v - minY) / max(maxY - minY, 1e-9)) }
        var s = "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" xmlns=\"http://www.w3.org/2000/svg\">"
        s += "<title>\(HTML.escape(title))</title><text x=\"0\" y=\"14\" class=\"ct\">\(HTML.escape(title))</text>"
        s += "<text x=\"\(left)\" y=\"\(height - 4)\" class=\"cl\">\(HTML.escape(xLabel))</text>"
        let yTop = yIsDay ? CivilTimeLabel.date(Int(maxY)) : HTML.number(maxY)
        let yBottom = yIsDay ? CivilTimeLabel.date(Int(minY)) : HTML.number(minY)
        s += "<text x=\"\(left - 4)\" y=\"\(top + 8)\" text-anchor=\"end\" class=\"cl\">\(yTop)</text>"
        s += "<text x=\"\(left - 4)\" y=\"\(height - bottom)\" text-anchor=\"end\" class=\"cl\">\(yBottom)</text>"
        s += "<text x=\"4\" y=\"\(top + Int(ph / 2))\" class=\"cl\">\(HTML.escape(yLabel))</text>"
        for p in points {
            s += "<circle cx=\"\(fmt(x(p.x)))\" cy=\"\(fmt(y(p.y)))\" r=\"1.6\" class=\"\(p.highlight ? "pt hi" : "pt")\"/>"
        }
        return s + "</svg>"
    }

    static func fmt(_ v: Double) -> String { NumberText.rounded(v, places: 1) }
}

import LockstepCore

enum CivilTimeLabel {
    static func date(_ day: Int) -> String { CivilTime.isoDate(dayNumber: day) }
}
