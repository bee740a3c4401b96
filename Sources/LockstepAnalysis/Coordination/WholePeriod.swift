import Foundation

/// Whole-period similarity (Pacheco et al. 2021): each account is a vector over the items it acted
/// on, weighted by TF-IDF; pairs are scored by cosine similarity, time ignored.
///
/// Dot products are accumulated through an inverted index (item → accounts), so only pairs that
/// share an item are visited. Pruning: items acted on by more than `maxItemAccounts` accounts are
/// skipped (their IDF is low, and they are what makes an inverted index quadratic); their weight
/// still counts in each account's norm, so pruning can only lower a similarity, never raise it.
struct WholePeriod: Sendable {
    var minSimilarity: Double
    var maxItemAccounts: Int

    struct Pairs {
        var keys: [UInt64] = []
        var shared: [Int32] = []
        var cosine: [Double] = []
    }

    /// Pairs above `minSimilarity`; `g` must hold every item (built with `minGroup: 1`) so norms are right.
    func pairs(_ g: ActionGroups, accountCount: Int) -> Pairs {
        // Distinct accounts per item with their action counts (groups are sorted by time, so sort a copy by account).
        var itemAccounts: [[(Int32, Int32)]] = []
        itemAccounts.reserveCapacity(g.groupCount)
        var active = [Bool](repeating: false, count: accountCount)
        for k in 0..<g.groupCount {
            var accs = Array(g.account[g.range(k)])
            accs.sort()
            var list: [(Int32, Int32)] = []
            for a in accs {
                active[Int(a)] = true
                if let l = list.last, l.0 == a { list[list.count - 1].1 += 1 } else { list.append((a, 1)) }
            }
            itemAccounts.append(list)
        }
        let n = Double(max(1, active.filter { $0 }.count))
        var norm = [Double](repeating: 0, count: accountCount)
        var idf = [Double](repeating: 0, count: itemAccounts.count)
        for (k, list) in itemAccounts.enumerated() {
            idf[k] = log(n / Double(list.count))
            for (a, tf) in list {
                let w = (1 + log(Double(tf))) * idf[k]
                norm[Int(a)] += w * w
            }
        }
        var table = PairTable(capacity: 1 << 12)
        var dot: [Double] = []
        for (k, list) in itemAccounts.enumerated() where list.count >= 2 && list.count <= maxItemAccounts && idf[k] > 0 {
            for x in 0..<list.count {
                let wx = (1 + log(Double(list[x].1))) * idf[k]
                for y in (x + 1)..<list.count {
                    let wy = (1 + log(Double(list[y].1))) * idf[k]
                    let e = table.insert(PairTable.key(list[x].0, list[y].0))
                    if e == dot.count { dot.append(0) }
                    dot[e] += wx * wy
                    table.weight[e] += 1
                }
            }
        }
        var out = Pairs()
        for e in 0..<table.count {
            let k = table.keys[e]
            let d = (norm[Int(PairTable.low(k))] * norm[Int(PairTable.high(k))]).squareRoot()
            let c = d > 0 ? dot[e] / d : 0
            if c >= minSimilarity {
                out.keys.append(k)
                out.shared.append(table.weight[e])
                out.cosine.append(c)
            }
        }
        return out
    }
}
