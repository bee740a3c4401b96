import Foundation
import LockstepAnalysis
import LockstepCore

/// Shared helpers for the coordination network outputs.
enum NetworkOutput {
    static func result(_ run: AnalysisRun) -> Coordination.Result? {
        run.result(named: Coordination.name) as? Coordination.Result
    }

    static func iso(_ t: Int64?, _ run: AnalysisRun) -> String {
        guard let t else { return "" }
        return CivilTime.iso8601(t, offsetSeconds: run.context.displayOffsetSeconds)
    }

    static func number(_ x: Double?) -> String {
        guard let x else { return "" }
        return NumberText.significant(x, digits: 6)
    }

    /// Text safe inside XML attributes and elements: markup characters escaped, characters XML 1.0 forbids dropped.
    static func xml(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out += "&#\(u.value);"
            default:
                let v = u.value
                if v < 0x20 || (0xD800...0xDFFF).contains(v) || v == 0xFFFE || v == 0xFFFF { continue }
                out.unicodeScalars.append(u)
            }
        }
        return out
    }

    /// One node per account in a kept edge, one edge per pair with the fused weight and a weight per trace.
    struct Graph {
        var nodes: [Int32]
        var pairs: [(a: Int32, b: Int32, fused: Double, perTrace: [String: Int])]
        var traces: [String]
    }

    static func graph(_ r: Coordination.Result) -> Graph {
        var index: [UInt64: Int] = [:]
        var pairs: [(a: Int32, b: Int32, fused: Double, perTrace: [String: Int])] = []
        var nodes = Set<Int32>()
        for e in r.edgeList {
            let k = UInt64(UInt32(e.a)) << 32 | UInt64(UInt32(e.b))
            let i: Int
            if let j = index[k] { i = j } else { i = pairs.count; index[k] = i; pairs.append((e.a, e.b, 0, [:])) }
            pairs[i].fused += e.fusedWeight
            pairs[i].perTrace[e.trace, default: 0] += e.weight
            nodes.insert(e.a); nodes.insert(e.b)
        }
        let present = Set(r.edgeList.map(\.trace))
        return Graph(nodes: nodes.sorted(), pairs: pairs, traces: CoActionTrace.all.map(\.name).filter { present.contains($0) })
    }
}

/// `edges.csv`: one row per kept edge of each trace, with its significance and evidence.
package enum EdgesCSVWriter: ArtifactWriter {
    /// Column names, in order.
    package static let columns = [
        "account_a", "handle_a", "account_b", "handle_b", "trace", "weight", "similarity", "null_mean", "z_score", "p_value",
        "a_leads", "b_leads", "simultaneous", "mean_lag_seconds", "first_coaction", "last_coaction", "cluster_a", "cluster_b", "examples",
    ]

    package static func write(dataset ds: Dataset, run: AnalysisRun, directory: URL) throws -> [String] {
        guard let r = NetworkOutput.result(run) else { return [] }
        var out = CSVOutput(header: columns)
        for e in r.edgeList {
            let ca = r.accountCluster[Int(e.a)], cb = r.accountCluster[Int(e.b)]
            // item|post_a@time_a|post_b@time_b, examples separated by "; ".
            let examples = e.examples.map {
                "\($0.item)|\($0.postA)@\(NetworkOutput.iso($0.timeA, run))|\($0.postB)@\(NetworkOutput.iso($0.timeB, run))"
            }.joined(separator: "; ")
            out.row([
                ds.accounts.key[e.a], ds.accounts.handleString(e.a), ds.accounts.key[e.b], ds.accounts.handleString(e.b),
                e.trace, String(e.weight), NetworkOutput.number(e.similarity), NetworkOutput.number(e.nullMean),
                NetworkOutput.number(e.zScore), NetworkOutput.number(e.pValue), String(e.aLeads), String(e.bLeads),
                String(e.simultaneous), NetworkOutput.number(e.meanLagSeconds), NetworkOutput.iso(e.firstCoaction, run),
                NetworkOutput.iso(e.lastCoaction, run), ca < 0 ? "" : String(ca), cb < 0 ? "" : String(cb), examples,
            ])
        }
        try out.write(to: directory.appendingPathComponent("edges.csv"))
        return ["edges.csv"]
    }
}

/// `clusters.csv`: one row per cluster with its size, roles, traces, time span and targets.
package enum ClustersCSVWriter: ArtifactWriter {
    /// Column names, in order.
    package static let columns = [
        "cluster", "size", "core", "amplifiers", "edges", "fused_weight", "traces", "first_coaction", "last_coaction",
        "schedule_offset_hours", "top_hashtags", "top_urls", "amplified_accounts", "amplified_domains", "watchlist_shares", "members",
        "operation", "verdict", "verdict_reasons",
    ]

    package static func write(dataset ds: Dataset, run: AnalysisRun, directory: URL) throws -> [String] {
        guard let r = NetworkOutput.result(run) else { return [] }
        var out = CSVOutput(header: columns)
        let ops = run.result(named: Operations.name) as? Operations.Result
        for c in r.clusters {
            let v = ops?.verdict(ofCluster: c.id)
            let traces = CoActionTrace.all.compactMap { t in c.traces[t.name].map { "\(t.name):\($0)" } }.joined(separator: ";")
            out.row([
                String(c.id), String(c.size), String(c.core), String(c.amplifiers), String(c.edges), NetworkOutput.number(c.fusedWeight),
                traces, c.firstCoaction ?? "", c.lastCoaction ?? "", c.scheduleOffsetHours ?? "",
                c.topHashtags.map { "#\($0.value):\($0.count)" }.joined(separator: ";"),
                c.topURLs.map { "\($0.value) \($0.count)" }.joined(separator: ";"),
                c.amplification.accounts.map { "\($0.handle.flatMap { $0.isEmpty ? nil : "@" + $0 } ?? $0.target):\($0.events)" }.joined(separator: ";"),
                c.amplification.domains.map { "\($0.target):\($0.events)" }.joined(separator: ";"),
                c.amplification.watchlistShares.sorted { $0.key < $1.key }.map { "\($0.key):\(NetworkOutput.number($0.value))" }.joined(separator: ";"),
                c.memberIDs.map { ds.accounts.key[$0] }.joined(separator: ";"),
                v.map { String($0.operation) } ?? "", v?.verdict ?? "",
                v?.reasons.map { "\($0.direction == "inauthentic" ? "+" : "-")\($0.signal):\(NetworkOutput.number($0.weight))" }.joined(separator: ";") ?? "",
            ])
        }
        try out.write(to: directory.appendingPathComponent("clusters.csv"))
        return ["clusters.csv"]
    }
}

/// A network file: written from the coordination result, when there is one.
protocol NetworkFileWriter: ArtifactWriter {
    static var fileName: String { get }
    static func render(_ ds: Dataset, _ run: AnalysisRun, _ r: Coordination.Result) -> String
}

extension NetworkFileWriter {
    package static func write(dataset ds: Dataset, run: AnalysisRun, directory: URL) throws -> [String] {
        guard let r = NetworkOutput.result(run) else { return [] }
        try Data(render(ds, run, r).utf8).write(to: directory.appendingPathComponent(fileName), options: .atomic)
        return [fileName]
    }
}

extension NetworkOutput {
    /// What both network files say of an account, in this order; the XML dialects differ only
    /// in how they spell it.
    struct NodeAttributes {
        enum Kind { case string, integer }
        let names: [(name: String, kind: Kind)]
        private let ds: Dataset
        private let r: Coordination.Result
        /// The schedule analysis, when it ran: each account's own inferred offset.
        private let schedule: Schedule.Result?

        init(_ ds: Dataset, _ run: AnalysisRun, _ r: Coordination.Result) {
            self.ds = ds
            self.r = r
            schedule = run.context.result(of: Schedule.self)
            names = [("handle", .string), ("role", .string), ("cluster", .integer), ("posts", .integer)]
                + (schedule == nil ? [] : [("schedule_offset", .string)])
        }

        /// The values of account `a`, XML-escaped, nil where the account has none.
        func values(_ a: Int32) -> [String?] {
            let i = Int(a)
            return [xml(ds.accounts.handleString(a)), r.accountRole[i]?.rawValue ?? "",
                    r.accountCluster[i] >= 0 ? String(r.accountCluster[i]) : nil, String(ds.postCount(of: a))]
                + (schedule.map { [$0.offsetHours(of: a).map(String.init)] } ?? [])
        }
    }
}

/// `network.gexf` (GEXF 1.3, opens in Gephi): accounts with handle, role, cluster, posts and schedule
/// offset; one undirected edge per pair weighted by the fused weight, with one attribute per trace.
package enum GEXFWriter: NetworkFileWriter {
    static let fileName = "network.gexf"

    static func render(_ ds: Dataset, _ run: AnalysisRun, _ r: Coordination.Result) -> String {
        let g = NetworkOutput.graph(r)
        let attributes = NetworkOutput.NodeAttributes(ds, run, r)
        let x = NetworkOutput.xml
        var s = """
        <?xml version="1.0" encoding="UTF-8"?>
        <gexf xmlns="http://gexf.net/1.3" version="1.3">
          <meta><creator>Lockstep</creator><description>Coordination network: fused co-action edges</description></meta>
          <graph mode="static" defaultedgetype="undirected">
            <attributes class="node">

        """
        for (name, kind) in attributes.names {
            s += "      <attribute id=\"\(name)\" title=\"\(name)\" type=\"\(kind == .integer ? "integer" : "string")\"/>\n"
        }
        s += "    </attributes>\n    <attributes class=\"edge\">\n"
        for t in g.traces { s += "      <attribute id=\"\(x(t))\" title=\"\(x(t))\" type=\"integer\"/>\n" }
        s += "    </attributes>\n    <nodes>\n"
        for a in g.nodes {
            let handle = ds.accounts.handleString(a)
            s += "      <node id=\"\(x(ds.accounts.key[a]))\" label=\"\(x(handle.isEmpty ? ds.accounts.key[a] : handle))\"><attvalues>"
            for ((name, _), value) in zip(attributes.names, attributes.values(a)) {
                if let value { s += "<attvalue for=\"\(name)\" value=\"\(value)\"/>" }
            }
            s += "</attvalues></node>\n"
        }
        s += "    </nodes>\n    <edges>\n"
        for (id, p) in g.pairs.enumerated() {
            s += "      <edge id=\"\(id)\" source=\"\(x(ds.accounts.key[p.a]))\" target=\"\(x(ds.accounts.key[p.b]))\" weight=\"\(NetworkOutput.number(p.fused))\"><attvalues>"
            for t in g.traces { if let w = p.perTrace[t] { s += "<attvalue for=\"\(x(t))\" value=\"\(w)\"/>" } }
            s += "</attvalues></edge>\n"
        }
        s += "    </edges>\n  </graph>\n</gexf>\n"
        return s
    }
}

/// `network.graphml`: the same network as `network.gexf`, for tools that read GraphML.
package enum GraphMLWriter: NetworkFileWriter {
    static let fileName = "network.graphml"

    static func render(_ ds: Dataset, _ run: AnalysisRun, _ r: Coordination.Result) -> String {
        let g = NetworkOutput.graph(r)
        let attributes = NetworkOutput.NodeAttributes(ds, run, r)
        let x = NetworkOutput.xml
        var s = """
        <?xml version="1.0" encoding="UTF-8"?>
        <graphml xmlns="http://graphml.graphdrawing.org/xmlns">
          <key id="account_id" for="node" attr.name="account_id" attr.type="string"/>

        """
        for (name, kind) in attributes.names {
            s += "  <key id=\"\(name)\" for=\"node\" attr.name=\"\(name)\" attr.type=\"\(kind == .integer ? "int" : "string")\"/>\n"
        }
        s += "  <key id=\"weight\" for=\"edge\" attr.name=\"weight\" attr.type=\"double\"/>\n"
        for t in g.traces { s += "  <key id=\"t_\(x(t))\" for=\"edge\" attr.name=\"\(x(t))\" attr.type=\"int\"/>\n" }
        s += "  <graph id=\"coordination\" edgedefault=\"undirected\">\n"
        var nodeID: [Int32: Int] = [:]
        for (n, a) in g.nodes.enumerated() {
            nodeID[a] = n
            s += "    <node id=\"n\(n)\"><data key=\"account_id\">\(x(ds.accounts.key[a]))</data>"
            for ((name, _), value) in zip(attributes.names, attributes.values(a)) {
                if let value { s += "<data key=\"\(name)\">\(value)</data>" }
            }
            s += "</node>\n"
        }
        for (id, p) in g.pairs.enumerated() {
            s += "    <edge id=\"e\(id)\" source=\"n\(nodeID[p.a]!)\" target=\"n\(nodeID[p.b]!)\"><data key=\"weight\">\(NetworkOutput.number(p.fused))</data>"
            for t in g.traces { if let w = p.perTrace[t] { s += "<data key=\"t_\(x(t))\">\(w)</data>" } }
            s += "</edge>\n"
        }
        s += "  </graph>\n</graphml>\n"
        return s
    }
}
