import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import LockstepAnalysis
import LockstepCore
import Testing
@testable import LockstepReport

@Suite struct NetworkWritersTests {
    static let hostile = ["<script>alert(1)</script>", "say \"hi\" & 'bye'", "a&b<c>d", "tab\there", "ctl\u{01}char"]

    /// Core accounts with hostile handles, amplifiers retweeting them together: every other post
    /// within seconds, the others in a burst minutes later.
    static func dataset() -> Dataset {
        var b = DatasetBuilder()
        var g = SeededGenerator(seed: 5)
        func account(_ id: String, _ handle: String) -> Int32 {
            let a = b.account(id: id)
            var h = handle
            h.withUTF8 { b.setHandleIfMissing(a, UnsafeRawBufferPointer($0)) }
            return a
        }
        let none = UnsafeRawBufferPointer(start: nil, count: 0)
        func post(_ key: String, _ a: Int32, _ t: Int64, _ kind: PostKind, _ text: String) {
            var k = key, x = text
            _ = k.withUTF8 { kk in x.withUTF8 { xx in b.addPost(key: UnsafeRawBufferPointer(kk), account: a, time: t, kind: kind,
                                                                  text: UnsafeRawBufferPointer(xx), language: none, client: none) } }
        }
        let core = hostile.enumerated().map { account("c\($0.offset)", $0.element) }
        let amps = (0..<12).map { account("a\($0)", "amp&\($0)") }
        var n = 0
        for i in 0..<40 {
            let t = Int64(i) * 5000
            let c = core[i % core.count]
            let key = "p\(i)"
            post(key, c, t, .original, "post \(i) <b>")
            var u = "https://example.com/\(i)?a=1&utm_source=x"
            u.withUTF8 { b.addURL(UnsafeRawBufferPointer($0)) }
            let lag: Int64 = i % 2 == 0 ? 0 : 60 + Int64(g.unit() * 3000)
            for a in amps where g.unit() < 0.8 {
                n += 1
                post("r\(n)", a, t + lag + 1 + Int64(g.unit() * 8), .retweet, "")
                var kk = key
                kk.withUTF8 { b.setRetweet(post: UnsafeRawBufferPointer($0), account: c) }
            }
        }
        return b.finish(accounting: IngestAccounting())
    }

    final class Collector: NSObject, XMLParserDelegate, @unchecked Sendable {
        var attributes: [String] = []
        var text = ""
        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                    attributes attributeDict: [String: String] = [:]) {
            attributes += attributeDict.values
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
    }

    static func parse(_ url: URL) throws -> (ok: Bool, collector: Collector) {
        let parser = try #require(XMLParser(contentsOf: url))
        let c = Collector()
        parser.delegate = c
        let ok = parser.parse()
        return (ok, c)
    }

    @Test func writesWellFormedNetworksThatEscapeHostileHandles() throws {
        let ds = Self.dataset()
        let run = try AnalysisRun.run(AnalysisCatalogue.resolve(["coordination"]), on: ds, options: AnalysisOptions())
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-net-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let written = try ResultsWriter.write(dataset: ds, run: run, inputs: ["synthetic"], directory: dir)
        #expect(["edges.csv", "clusters.csv", "network.gexf", "network.graphml"].allSatisfy(written.contains))

        let gexf = try Self.parse(dir.appendingPathComponent("network.gexf"))
        #expect(gexf.ok)
        let graphml = try Self.parse(dir.appendingPathComponent("network.graphml"))
        #expect(graphml.ok)
        for h in Self.hostile.prefix(3) {
            #expect(gexf.collector.attributes.contains(h), "GEXF lost handle \(h)")
            #expect(graphml.collector.text.contains(h), "GraphML lost handle \(h)")
        }
        #expect(gexf.collector.attributes.contains("core"))
        #expect(gexf.collector.attributes.contains("amplifier"))
        // Control characters XML forbids are dropped, the rest kept.
        #expect(gexf.collector.attributes.contains("ctlchar"))

        let edges = try String(contentsOf: dir.appendingPathComponent("edges.csv"), encoding: .utf8)
        #expect(edges.hasPrefix(EdgesCSVWriter.columns.joined(separator: ",") + "\n"))
        #expect(edges.contains("co_retweet"))
        #expect(edges.contains("fast_retweet"))
        let clusters = try String(contentsOf: dir.appendingPathComponent("clusters.csv"), encoding: .utf8)
        #expect(clusters.hasPrefix(ClustersCSVWriter.columns.joined(separator: ",") + "\n"))
        #expect(clusters.contains("example.com"))

        let accounts = try String(contentsOf: dir.appendingPathComponent("accounts.csv"), encoding: .utf8)
        let header = accounts.split(separator: "\n")[0].split(separator: ",").map(String.init)
        let roleColumn = try #require(header.firstIndex(of: "role"))
        let clusterColumn = try #require(header.firstIndex(of: "cluster"))
        let ampRow = try #require(accounts.split(separator: "\n").first { $0.hasPrefix("a0,") })
        let cells = ampRow.split(separator: ",", omittingEmptySubsequences: false)
        #expect(cells[roleColumn] == "amplifier")
        #expect(cells[clusterColumn] == "1")
        #expect(ampRow.contains("coretweet_cluster"))

        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("summary.json"))) as? [String: Any]
        let section = try #require(summary?["coordination"] as? [String: Any])
        #expect((section["clusters"] as? [Any])?.count == 1)
        #expect(section["edgeList"] == nil)
    }

    @Test func noCoordinationResultWritesNothing() throws {
        let ds = Self.dataset()
        let run = try AnalysisRun.run(AnalysisCatalogue.resolve(["overview"]), on: ds, options: AnalysisOptions())
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-net-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let written = try ResultsWriter.write(dataset: ds, run: run, inputs: [], directory: dir)
        #expect(!written.contains { ["edges.csv", "clusters.csv", "network.gexf", "network.graphml"].contains($0) })
    }

    @Test(arguments: [
        // markup
        ("<a href=\"x\">", "&lt;a href=&quot;x&quot;&gt;"),
        // ampersand and apostrophe
        ("Tom & Jerry's", "Tom &amp; Jerry&apos;s"),
        // forbidden control character dropped
        ("bell\u{07}", "bell"),
    ])
    func xmlEscaping(_ input: String, _ expected: String) {
        #expect(NetworkOutput.xml(input) == expected)
    }
}
