import LockstepCore

/// A deterministic force-directed layout (Fruchterman–Reingold) for the network picture.
///
/// Computed here rather than in the browser so the report stays script-free. Nodes start on a
/// circle per cluster with seeded jitter, so the same network always gives the same picture.
package enum NetworkLayout {
    package struct Node: Sendable {
        package var group: Int
        package var x = 0.0
        package var y = 0.0
    }

    /// Positions in the unit square for `nodes` (their `group` is kept) linked by weighted `edges`.
    package static func layout(_ groups: [Int], edges: [(Int, Int, Double)], iterations: Int = 150, seed: UInt64 = 1) -> [(x: Double, y: Double)] {
        let n = groups.count
        guard n > 0 else { return [] }
        var g = SeededGenerator(seed: seed)
        let distinct = Array(Set(groups)).sorted()
        let slot = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, $0) })
        var x = [Double](repeating: 0, count: n), y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            // Each cluster starts around its own point on a circle.
            let angle = 2 * Double.pi * Double(slot[groups[i]]!) / Double(max(distinct.count, 1))
            x[i] = 0.5 + 0.3 * cosApprox(angle) + (g.unit() - 0.5) * 0.1
            y[i] = 0.5 + 0.3 * sinApprox(angle) + (g.unit() - 0.5) * 0.1
        }
        let k = (1.0 / Double(n)).squareRoot()
        var temperature = 0.1
        var dx = [Double](repeating: 0, count: n), dy = [Double](repeating: 0, count: n)
        let maxW = max(edges.map(\.2).max() ?? 1, 1e-9)
        for _ in 0..<iterations {
            for i in 0..<n { dx[i] = 0; dy[i] = 0 }
            for i in 0..<n {
                for j in (i + 1)..<n {
                    var ddx = x[i] - x[j], ddy = y[i] - y[j]
                    var d2 = ddx * ddx + ddy * ddy
                    if d2 < 1e-12 { ddx = 1e-4; ddy = 0; d2 = 1e-8 }
                    // Repulsion only between neighbours (the grid variant of the algorithm): far
                    // pieces of one cluster would otherwise push each other off the page.
                    if d2 > 9 * k * k { continue }
                    let f = k * k / d2
                    dx[i] += ddx * f; dy[i] += ddy * f
                    dx[j] -= ddx * f; dy[j] -= ddy * f
                }
            }
            for (a, b, w) in edges {
                let ddx = x[a] - x[b], ddy = y[a] - y[b]
                let d = (ddx * ddx + ddy * ddy).squareRoot()
                let f = d / k * (0.5 + 0.5 * w / maxW)
                dx[a] -= ddx * f; dy[a] -= ddy * f
                dx[b] += ddx * f; dy[b] += ddy * f
            }
            // Members of one cluster are pulled to its centroid: a cluster whose co-action edges
            // form two pieces (core posting together, amplifiers retweeting together) stays one shape.
            var cx = [Double](repeating: 0, count: distinct.count), cy = cx, cn = cx
            for i in 0..<n { let g = slot[groups[i]]!; cx[g] += x[i]; cy[g] += y[i]; cn[g] += 1 }
            for i in 0..<n {
                let g = slot[groups[i]]!
                dx[i] += (cx[g] / cn[g] - x[i]) * 0.8; dy[i] += (cy[g] / cn[g] - y[i]) * 0.8
            }
            for i in 0..<n {
                // A weak pull to the centre keeps unconnected pieces on the page.
                dx[i] += (0.5 - x[i]) * 0.1; dy[i] += (0.5 - y[i]) * 0.1
                let len = max((dx[i] * dx[i] + dy[i] * dy[i]).squareRoot(), 1e-12)
                let step = min(len, temperature)
                x[i] += dx[i] / len * step
                y[i] += dy[i] / len * step
            }
            temperature *= 0.97
        }
        // Fit into the unit square with a margin.
        let minX = x.min()!, maxX = x.max()!, minY = y.min()!, maxY = y.max()!
        let sx = max(maxX - minX, 1e-9), sy = max(maxY - minY, 1e-9)
        return (0..<n).map { (0.04 + 0.92 * (x[$0] - minX) / sx, 0.04 + 0.92 * (y[$0] - minY) / sy) }
    }

    // Polynomial sine and cosine: enough for initial positions, and identical on every platform.
    static func sinApprox(_ a: Double) -> Double {
        var t = a.truncatingRemainder(dividingBy: 2 * .pi)
        if t > .pi { t -= 2 * .pi }
        var term = t, sum = t
        for k in 1...8 {
            term *= -t * t / Double((2 * k) * (2 * k + 1))
            sum += term
        }
        return sum
    }

    static func cosApprox(_ a: Double) -> Double { sinApprox(a + .pi / 2) }
}
