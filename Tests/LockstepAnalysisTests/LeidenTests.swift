import LockstepCore
import Testing
@testable import LockstepAnalysis

@Suite struct LeidenTests {
    /// A planted partition: `groups` blocks of `size` nodes, edge probability `pIn` inside, `pOut` across.
    static func planted(groups: Int, size: Int, pIn: Double, pOut: Double, seed: UInt64) -> (WeightedGraph, [Int]) {
        var g = SeededGenerator(seed: seed)
        let n = groups * size
        var edges: [(Int32, Int32, Double)] = []
        for u in 0..<n {
            for v in (u + 1)..<n where g.unit() < (u / size == v / size ? pIn : pOut) {
                edges.append((Int32(u), Int32(v), 1))
            }
        }
        return (WeightedGraph(nodeCount: n, edges: edges), (0..<n).map { $0 / size })
    }

    @Test(arguments: [
        // four clear blocks
        (4, 30, 0.3, 0.01, UInt64(1)),
        // eight smaller blocks, sparser
        (8, 20, 0.25, 0.005, UInt64(2)),
        // two big blocks, noisier
        (2, 100, 0.1, 0.01, UInt64(3)),
    ])
    func findsPlantedCommunities(_ groups: Int, _ size: Int, _ pIn: Double, _ pOut: Double, _ seed: UInt64) {
        let (graph, truth) = Self.planted(groups: groups, size: size, pIn: pIn, pOut: pOut, seed: seed)
        let found = Leiden(resolution: 1, seed: 42).run(graph)
        // Each block lands in one community, except a few boundary nodes with as many links outside
        // as inside (moving them is what raises modularity above the planted partition's).
        var misplaced = 0
        for b in 0..<groups {
            let inBlock = (0..<truth.count).filter { truth[$0] == b }.map { found[$0] }
            let mode = Dictionary(grouping: inBlock, by: { $0 }).values.map(\.count).max()!
            misplaced += inBlock.count - mode
        }
        #expect(Double(misplaced) <= 0.02 * Double(truth.count))
        #expect(graph.modularity(found, resolution: 1) >= graph.modularity(truth.map { Int32($0) }, resolution: 1) - 1e-9)
        #expect(Set(found).count == groups)
    }

    @Test func deterministicForASeed() {
        let (graph, _) = Self.planted(groups: 6, size: 25, pIn: 0.15, pOut: 0.03, seed: 9)
        let a = Leiden(resolution: 1, seed: 5).run(graph)
        let b = Leiden(resolution: 1, seed: 5).run(graph)
        #expect(a == b)
    }

    @Test func improvesOnSingletonsAndResolutionControlsSize() {
        let (graph, _) = Self.planted(groups: 4, size: 30, pIn: 0.3, pOut: 0.01, seed: 1)
        let found = Leiden(resolution: 1, seed: 1).run(graph)
        let singletons = (0..<Int32(graph.nodeCount)).map { $0 }
        #expect(graph.modularity(found, resolution: 1) > graph.modularity(singletons, resolution: 1) + 0.5)
        let fine = Leiden(resolution: 8, seed: 1).run(graph)
        #expect(Set(fine).count > Set(found).count)
    }

    @Test func everyCommunityIsConnected() {
        let (graph, _) = Self.planted(groups: 5, size: 20, pIn: 0.2, pOut: 0.02, seed: 4)
        let c = Leiden(resolution: 1, seed: 3).run(graph)
        for k in Set(c) {
            let members = (0..<graph.nodeCount).filter { c[$0] == k }
            var seen: Set<Int> = [members[0]], stack = [members[0]]
            while let v = stack.popLast() {
                for e in graph.adjStart[v]..<graph.adjStart[v + 1] {
                    let u = Int(graph.adjNode[e])
                    if c[u] == k && seen.insert(u).inserted { stack.append(u) }
                }
            }
            #expect(seen.count == members.count)
        }
    }
}
