import Foundation
import LockstepCore

/// An undirected weighted graph in compressed-sparse-row form, without self-loops; node weights are
/// kept separately so that aggregated graphs keep the strength of the nodes they merged.
package struct WeightedGraph: Sendable {
    /// Number of nodes.
    package private(set) var nodeCount: Int
    var adjStart: [Int]
    var adjNode: [Int32]
    var adjWeight: [Double]
    /// Strength of each node (sum of its edge weights, plus merged internal weight after aggregation).
    var nodeWeight: [Double]
    /// Sum of node weights (2m).
    var totalWeight: Double

    /// Builds a graph from undirected edges; parallel edges add up, self-loops are ignored.
    package init(nodeCount n: Int, edges: [(Int32, Int32, Double)]) {
        var deg = [Int](repeating: 0, count: n + 1)
        for (u, v, _) in edges where u != v { deg[Int(u) + 1] += 1; deg[Int(v) + 1] += 1 }
        for i in 0..<n { deg[i + 1] += deg[i] }
        var fill = deg
        var node = [Int32](repeating: 0, count: deg[n])
        var weight = [Double](repeating: 0, count: deg[n])
        for (u, v, w) in edges where u != v {
            node[fill[Int(u)]] = v; weight[fill[Int(u)]] = w; fill[Int(u)] += 1
            node[fill[Int(v)]] = u; weight[fill[Int(v)]] = w; fill[Int(v)] += 1
        }
        var nw = [Double](repeating: 0, count: n)
        for i in 0..<n { for k in deg[i]..<deg[i + 1] { nw[i] += weight[k] } }
        self.init(nodeCount: n, adjStart: deg, adjNode: node, adjWeight: weight, nodeWeight: nw)
    }

    init(nodeCount: Int, adjStart: [Int], adjNode: [Int32], adjWeight: [Double], nodeWeight: [Double]) {
        self.nodeCount = nodeCount
        self.adjStart = adjStart
        self.adjNode = adjNode
        self.adjWeight = adjWeight
        self.nodeWeight = nodeWeight
        totalWeight = nodeWeight.reduce(0, +)
    }

    /// Modularity of a partition with resolution γ: Σ_c [in_c / 2m − γ (K_c / 2m)²].
    package func modularity(_ community: [Int32], resolution gamma: Double) -> Double {
        guard totalWeight > 0 else { return 0 }
        let c = (community.max().map { Int($0) } ?? -1) + 1
        var inside = [Double](repeating: 0, count: c), total = inside
        for v in 0..<nodeCount {
            total[Int(community[v])] += nodeWeight[v]
            for k in adjStart[v]..<adjStart[v + 1] where community[Int(adjNode[k])] == community[v] {
                inside[Int(community[v])] += adjWeight[k]
            }
        }
        var q = 0.0
        for i in 0..<c { q += inside[i] / totalWeight - gamma * (total[i] / totalWeight) * (total[i] / totalWeight) }
        return q
    }
}

/// The Leiden algorithm (Traag, Waltman & van Eck 2019) for modularity with a resolution parameter:
/// fast local moving, refinement into well-connected sub-communities, aggregation of the refined
/// partition, repeated until no node moves. Deterministic for a seed: node orders and the randomised
/// refinement draw from one ``SeededGenerator``.
package struct Leiden: Sendable {
    /// Modularity resolution γ: higher gives smaller communities.
    package var resolution: Double
    /// Seed of node orders and of the randomised refinement.
    package var seed: UInt64
    /// Randomness of the refinement step (θ in the paper).
    package var theta: Double = 0.01
    /// Full passes of the algorithm, each starting from the previous partition.
    package var maxIterations: Int = 10

    package init(resolution: Double = 1, seed: UInt64 = 1) {
        self.resolution = resolution
        self.seed = seed
    }

    /// Community of each node, numbered densely by first node.
    package func run(_ graph: WeightedGraph) -> [Int32] {
        var rng = SeededGenerator(seed: seed)
        var partition = Array(Int32(0)..<Int32(graph.nodeCount))
        for _ in 0..<maxIterations {
            let next = pass(graph, start: partition, &rng)
            if next == partition { break }
            partition = next
        }
        return partition
    }

    private func pass(_ original: WeightedGraph, start: [Int32], _ rng: inout SeededGenerator) -> [Int32] {
        var g = original
        var partition = Self.renumber(start)
        var membership = Array(Int32(0)..<Int32(g.nodeCount))  // original node -> node of g
        while true {
            let moved = moveNodes(g, partition, &rng)
            partition = moved
            let communities = Int(partition.max() ?? -1) + 1
            if communities == g.nodeCount { break }
            var refined = refine(g, partition, &rng)
            var refinedCount = Int(refined.max() ?? -1) + 1
            if refinedCount == g.nodeCount {
                // Refinement merged nothing: aggregate the moved partition itself so the graph shrinks.
                refined = partition
                refinedCount = communities
            }
            // Aggregate on the refined partition; each aggregate starts in its unrefined community.
            var aggPartition = [Int32](repeating: 0, count: refinedCount)
            for v in 0..<g.nodeCount { aggPartition[Int(refined[v])] = partition[v] }
            g = Self.aggregate(g, refined, refinedCount)
            for i in 0..<membership.count { membership[i] = refined[Int(membership[i])] }
            partition = aggPartition
        }
        return Self.renumber(membership.map { partition[Int($0)] })
    }

    /// Fast local moving: a queue of nodes, each moved to the neighbouring community with the best gain.
    func moveNodes(_ g: WeightedGraph, _ start: [Int32], _ rng: inout SeededGenerator) -> [Int32] {
        let n = g.nodeCount
        var comm = start
        var commWeight = [Double](repeating: 0, count: n)
        var commSize = [Int](repeating: 0, count: n)
        for v in 0..<n { commWeight[Int(comm[v])] += g.nodeWeight[v]; commSize[Int(comm[v])] += 1 }
        var empty: [Int32] = (0..<Int32(n)).filter { commSize[Int($0)] == 0 }.reversed()
        var queue = Array(Int32(0)..<Int32(n))
        Self.shuffle(&queue, &rng)
        var inQueue = [Bool](repeating: true, count: n)
        var head = 0
        var linkWeight = [Double](repeating: 0, count: n)
        var touched: [Int32] = []
        let m2 = g.totalWeight
        guard m2 > 0 else { return Self.renumber(comm) }
        while head < queue.count {
            let v = Int(queue[head]); head += 1
            inQueue[v] = false
            if head > 4 * n { queue.removeFirst(head); head = 0 }
            let cv = Int(comm[v])
            for k in g.adjStart[v]..<g.adjStart[v + 1] {
                let c = Int(comm[Int(g.adjNode[k])])
                if linkWeight[c] == 0 { touched.append(Int32(c)) }
                linkWeight[c] += g.adjWeight[k]
            }
            let kv = g.nodeWeight[v]
            commWeight[cv] -= kv
            commSize[cv] -= 1
            var best = cv
            var bestGain = linkWeight[cv] - resolution * kv * commWeight[cv] / m2
            for c32 in touched {
                let c = Int(c32)
                let gain = linkWeight[c] - resolution * kv * commWeight[c] / m2
                // Strictly better only: ties keep the node where it is, so moves never cycle.
                if c != cv && gain > bestGain {
                    best = c
                    bestGain = gain
                }
            }
            if bestGain < 0 {
                // Alone is better than any neighbour: an empty community (cv itself if v was alone).
                best = commSize[cv] == 0 ? cv : Int(empty.popLast() ?? Int32(cv))
            }
            for c in touched { linkWeight[Int(c)] = 0 }
            touched.removeAll(keepingCapacity: true)
            commWeight[best] += kv
            commSize[best] += 1
            comm[v] = Int32(best)
            if commSize[cv] == 0 && best != cv { empty.append(Int32(cv)) }
            if best != cv {
                for k in g.adjStart[v]..<g.adjStart[v + 1] {
                    let u = Int(g.adjNode[k])
                    if !inQueue[u] && Int(comm[u]) != best {
                        inQueue[u] = true
                        queue.append(Int32(u))
                    }
                }
            }
        }
        return Self.renumber(comm)
    }

    /// Refinement: inside each community, nodes start alone and merge (randomly, favouring larger
    /// gains) only into well-connected sub-communities, so every refined community is connected.
    func refine(_ g: WeightedGraph, _ partition: [Int32], _ rng: inout SeededGenerator) -> [Int32] {
        let n = g.nodeCount
        let m2 = g.totalWeight
        var refined = Array(Int32(0)..<Int32(n))
        var commWeight = [Double](repeating: 0, count: n)
        for v in 0..<n { commWeight[Int(partition[v])] += g.nodeWeight[v] }
        // Weight from each node to the rest of its community; for singletons that is the sub-community's external weight.
        var external = [Double](repeating: 0, count: n)
        for v in 0..<n {
            for k in g.adjStart[v]..<g.adjStart[v + 1] where partition[Int(g.adjNode[k])] == partition[v] {
                external[v] += g.adjWeight[k]
            }
        }
        var subWeight = g.nodeWeight
        var singleton = [Bool](repeating: true, count: n)
        var order = Array(Int32(0)..<Int32(n))
        Self.shuffle(&order, &rng)
        var linkWeight = [Double](repeating: 0, count: n)
        var touched: [Int32] = []
        var gains: [Double] = []
        for v32 in order {
            let v = Int(v32)
            guard singleton[v] else { continue }
            let c = Int(partition[v])
            let kv = g.nodeWeight[v]
            guard external[v] >= resolution * kv * (commWeight[c] - kv) / m2 else { continue }
            for k in g.adjStart[v]..<g.adjStart[v + 1] {
                let u = Int(g.adjNode[k])
                guard partition[u] == partition[v] else { continue }
                let r = Int(refined[u])
                if linkWeight[r] == 0 { touched.append(Int32(r)) }
                linkWeight[r] += g.adjWeight[k]
            }
            let own = Int(refined[v])
            var candidates: [Int32] = [Int32(own)]
            gains = [0]
            for r32 in touched where Int(r32) != own {
                let r = Int(r32)
                let wellConnected = external[r] >= resolution * subWeight[r] * (commWeight[c] - subWeight[r]) / m2
                let gain = linkWeight[r] - resolution * kv * subWeight[r] / m2
                if wellConnected && gain >= 0 { candidates.append(r32); gains.append(gain) }
            }
            var chosen = own
            if candidates.count > 1 {
                let top = gains.max()!
                var weights = gains.map { exp(($0 - top) / theta) }
                let total = weights.reduce(0, +)
                var x = rng.unit() * total
                chosen = Int(candidates.last!)
                for i in 0..<weights.count {
                    x -= weights[i]
                    if x < 0 { chosen = Int(candidates[i]); break }
                }
                weights.removeAll()
            }
            if chosen != own {
                let wvr = linkWeight[chosen]
                external[chosen] = external[chosen] + external[v] - 2 * wvr
                subWeight[chosen] += kv
                subWeight[own] -= kv
                refined[v] = Int32(chosen)
                singleton[v] = false
                singleton[chosen] = false
            }
            for r in touched { linkWeight[Int(r)] = 0 }
            touched.removeAll(keepingCapacity: true)
        }
        return Self.renumber(refined)
    }

    /// The graph whose nodes are the communities of `partition`, edges summed, internal edges dropped.
    static func aggregate(_ g: WeightedGraph, _ partition: [Int32], _ count: Int) -> WeightedGraph {
        var members = [Int](repeating: 0, count: count + 1)
        for c in partition { members[Int(c) + 1] += 1 }
        for i in 0..<count { members[i + 1] += members[i] }
        var fill = members
        var list = [Int](repeating: 0, count: g.nodeCount)
        for v in 0..<g.nodeCount { list[fill[Int(partition[v])]] = v; fill[Int(partition[v])] += 1 }
        var start = [0], node: [Int32] = [], weight: [Double] = []
        var nodeWeight = [Double](repeating: 0, count: count)
        var link = [Double](repeating: 0, count: count)
        var touched: [Int32] = []
        for c in 0..<count {
            for idx in members[c]..<members[c + 1] {
                let v = list[idx]
                nodeWeight[c] += g.nodeWeight[v]
                for k in g.adjStart[v]..<g.adjStart[v + 1] {
                    let d = Int(partition[Int(g.adjNode[k])])
                    if d == c { continue }
                    if link[d] == 0 { touched.append(Int32(d)) }
                    link[d] += g.adjWeight[k]
                }
            }
            touched.sort()
            for d in touched { node.append(d); weight.append(link[Int(d)]); link[Int(d)] = 0 }
            touched.removeAll(keepingCapacity: true)
            start.append(node.count)
        }
        return WeightedGraph(nodeCount: count, adjStart: start, adjNode: node, adjWeight: weight, nodeWeight: nodeWeight)
    }

    /// Dense ids in order of first occurrence.
    static func renumber(_ c: [Int32]) -> [Int32] {
        var map = [Int32](repeating: -1, count: (c.max().map { Int($0) } ?? -1) + 1)
        var next: Int32 = 0
        return c.map { x in
            if map[Int(x)] < 0 { map[Int(x)] = next; next += 1 }
            return map[Int(x)]
        }
    }

    static func shuffle(_ a: inout [Int32], _ rng: inout SeededGenerator) {
        if a.count < 2 { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            let j = Int(rng.next() % UInt64(i + 1))
            a.swapAt(i, j)
        }
    }
}

extension WeightedGraph {
    /// The partition with every node removed (community -1) that has fewer than `minTies` neighbours
    /// in its own community and is not `anchored`, repeated until none is left: the `minTies`-core
    /// of each community, plus its anchored nodes.
    ///
    /// Leiden places every node somewhere, so one edge — one pair that passed the filters by chance
    /// among thousands tested — is enough to put an account in a cluster. Requiring each member to be
    /// tied to two or more members asks for corroboration: a chance edge rarely comes in pairs.
    /// Anchored nodes carry their corroboration elsewhere (repost links to their community).
    func corroborated(_ community: [Int32], minTies: Int, anchored: [Bool]) -> [Int32] {
        guard minTies > 1 else { return community }
        var c = community
        var ties = [Int](repeating: 0, count: nodeCount)
        var stack: [Int32] = []
        for v in 0..<nodeCount {
            for k in adjStart[v]..<adjStart[v + 1] where c[Int(adjNode[k])] == c[v] { ties[v] += 1 }
            if ties[v] < minTies && !anchored[v] { stack.append(Int32(v)) }
        }
        while let v = stack.popLast() {
            let own = c[Int(v)]
            guard own >= 0 else { continue }
            c[Int(v)] = -1
            for k in adjStart[Int(v)]..<adjStart[Int(v) + 1] {
                let u = Int(adjNode[k])
                guard c[u] == own else { continue }
                ties[u] -= 1
                if ties[u] == minTies - 1 && !anchored[u] { stack.append(Int32(u)) }
            }
        }
        return c
    }
}
