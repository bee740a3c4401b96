import Foundation
import LockstepCore

/// Scores of the impact plants (#16) against truth_impact.csv: bought engagement (posts and
/// accounts), influencers, hashtag leads and breakout. Definitions: docs/evaluate.md.
public struct ImpactEvaluation: Codable, Sendable, Equatable {
    /// Precision and recall of one planted set.
    public struct Match: Codable, Sendable, Equatable {
        public var planted = 0
        public var found = 0
        public var truePositives = 0
        public var precision: Double?
        public var recall: Double?
        /// Found items that were not planted, by truth population of their account.
        public var otherFoundByPopulation: [String: Int] = [:]

        init(planted: Set<String>, found: Set<String>, population: (String) -> String) {
            self.planted = planted.count
            self.found = found.count
            truePositives = planted.intersection(found).count
            precision = found.isEmpty ? nil : Double(truePositives) / Double(found.count)
            recall = planted.isEmpty ? nil : Double(truePositives) / Double(planted.count)
            for x in found.subtracting(planted) { otherFoundByPopulation[population(x), default: 0] += 1 }
        }
    }

    /// One planted hashtag lead.
    public struct Lead: Codable, Sendable, Equatable {
        public var hashtag: String
        /// Hours from state media's first use to the operation's, planted and found (nil: not found).
        public var plantedHours: Double
        public var foundHours: Double?
    }

    /// Bought-engagement posts (by post id) and accounts.
    public var boughtPosts: Match?
    public var boughtAccounts: Match?
    /// Accounts with anomalous posts, by truth population.
    public var anomalousAccountsByPopulation: [String: Int] = [:]
    /// Influencer suspects against the planted influencers.
    public var influencers: Match?
    public var leads: [Lead] = []
    /// Organic engagement with the operation, planted (counted in the world) and found (outside
    /// engagement summed over the groups whose members are mostly the operation's).
    public var breakoutPlanted: Int?
    public var breakoutFound: Int?
    /// Groups (clusters) by the truth kind of most of their members: the scores above use the
    /// `operation` ones; the others (benign coordination) are reported apart, as the `operations`
    /// analysis will tell them apart by itself.
    public var groupsByKind: [String: Int] = [:]
    /// Suspects who copy a group that is not the operation's, by their truth population.
    public var copiersOfOtherGroups: [String: Int] = [:]

    /// Reads truth_impact.csv and the run's engagement.csv, accounts.csv and summary.json; nil without truth_impact.csv.
    /// `cluster` and `operation` are accounts.csv's columns: the groups are operations when the
    /// run's groups are labelled so, else clusters.
    static func run(truthImpact: URL, results dir: URL, truth: [String: String], cluster: [String: String],
                    operation: [String: String]) throws -> (ImpactEvaluation, [Evaluation.Fact])? {
        guard FileManager.default.fileExists(atPath: truthImpact.path) else { return nil }
        let t = try SimpleCSV.read(truthImpact)
        guard let kCol = t.column("kind"), let idCol = t.column("id"), let vCol = t.column("value") else {
            throw Evaluation.InputError(description: "\(truthImpact.lastPathComponent) needs columns kind,id,value")
        }
        var e = ImpactEvaluation()
        var facts: [Evaluation.Fact] = []
        var boughtPosts = Set<String>(), boughtAccounts = Set<String>(), influencers = Set<String>()
        var postAccount: [String: String] = [:]
        var leads: [(String, Double)] = []
        var breakout: Int?
        let dCol = t.column("detail")
        for row in t.rows {
            switch row[kCol] {
            case "bought_post":
                boughtPosts.insert(row[idCol])
                if let dCol { postAccount[row[idCol]] = row[dCol] }
            case "bought_account": boughtAccounts.insert(row[idCol])
            case "influencer": influencers.insert(row[idCol])
            case "hashtag_lead": if let h = Double(row[vCol]) { leads.append((row[idCol], h)) }
            case "breakout": breakout = Int(row[vCol])
            default: break
            }
        }
        func population(_ account: String) -> String { truth[account] ?? "not in truth" }
        let summaryURL = dir.appendingPathComponent("summary.json")
        let summary = FileManager.default.fileExists(atPath: summaryURL.path)
            ? try JSONSerialization.jsonObject(with: Data(contentsOf: summaryURL)) as? [String: Any] : nil

        let labels = ((summary?["breakout"] as? [String: Any])?["groups"] as? [[String: Any]] ?? []).compactMap { $0["group"] as? String }
            + (((summary?["influencers"] as? [String: Any])?["suspects"] as? [[String: Any]]) ?? []).compactMap { $0["group"] as? String }
        let groupOf = labels.contains { $0.hasPrefix("operation") } ? operation : cluster
        // The truth kind of each group: what most of its members are.
        var members: [String: [String: Int]] = [:]
        for (account, g) in groupOf where !g.isEmpty { members[g, default: [:]][Evaluation.PopulationScore.kind(of: population(account)), default: 0] += 1 }
        let groupKind = members.mapValues { kinds in kinds.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }!.key }
        for k in groupKind.values { e.groupsByKind[k, default: 0] += 1 }
        func isOperation(_ groupID: Any?) -> Bool { (groupID as? Int).map { groupKind[String($0)] == "operation" } ?? false }
        func pct(_ v: Double?) -> String { v.map { String(format: "%.3f", $0) } ?? "n/a" }
        func prFact(_ name: String, _ m: Match) -> Evaluation.Fact {
            let ok = (m.precision ?? 0) >= 0.9 && (m.recall ?? 0) >= 0.9
            let others = m.otherFoundByPopulation.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            return Evaluation.Fact(name: name, status: m.planted == 0 ? "not planted" : ok ? "found" : "missed",
                                   planted: "\(m.planted)", observed: "\(m.found)",
                                   detail: "precision \(pct(m.precision)), recall \(pct(m.recall))" + (others.isEmpty ? "" : "; others found: \(others)"))
        }

        // Bought engagement: engagement.csv lists every anomalous post; accounts.csv counts them per account.
        let engagementURL = dir.appendingPathComponent("engagement.csv")
        if FileManager.default.fileExists(atPath: engagementURL.path) {
            let csv = try SimpleCSV.read(engagementURL)
            if let pCol = csv.column("post_id"), let aCol = csv.column("account_id") {
                var found = Set<String>(), foundAccounts = Set<String>()
                for r in csv.rows { found.insert(r[pCol]); foundAccounts.insert(r[aCol]); postAccount[r[pCol]] = r[aCol] }
                let pm = Match(planted: boughtPosts, found: found) { population(postAccount[$0] ?? "") }
                let am = Match(planted: boughtAccounts, found: foundAccounts, population: population)
                e.boughtPosts = pm
                e.boughtAccounts = am
                for a in foundAccounts { e.anomalousAccountsByPopulation[population(a), default: 0] += 1 }
                facts.append(prFact("bought engagement posts", pm))
                facts.append(prFact("bought engagement accounts", am))
            }
        } else if !boughtPosts.isEmpty {
            facts.append(Evaluation.Fact(name: "bought engagement", status: "not evaluated", planted: "\(boughtPosts.count) posts", observed: "",
                                         detail: "no engagement.csv in the results (the engagement analysis did not run, or found no counts)"))
        }

        // Influencers: the summary's suspects.
        if let sec = summary?["influencers"] as? [String: Any], let list = sec["suspects"] as? [[String: Any]] {
            let found = Set(list.filter { isOperation($0["groupID"]) }.compactMap { $0["account"] as? String })
            for x in list where !isOperation(x["groupID"]) { e.copiersOfOtherGroups[population(x["account"] as? String ?? ""), default: 0] += 1 }
            let m = Match(planted: influencers, found: found, population: population)
            e.influencers = m
            var f = prFact("influencers", m)
            if !e.copiersOfOtherGroups.isEmpty {
                f.detail += "; copiers of non-operation groups (apart): " + e.copiersOfOtherGroups.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            }
            f.status = m.planted == 0 ? "not planted" : (m.recall ?? 0) >= 0.9 && m.found == m.truePositives ? "found" : "missed"
            facts.append(f)
        } else if !influencers.isEmpty {
            facts.append(Evaluation.Fact(name: "influencers", status: "not evaluated", planted: "\(influencers.count)", observed: "",
                                         detail: "no influencers section in summary.json"))
        }

        // Hashtag leads: the earliest group use of each planted hashtag against the first watch-listed use.
        let pairs = (summary?["lead_lag"] as? [String: Any])?["pairs"] as? [[String: Any]] ?? []
        for (tag, planted) in leads {
            let found = pairs.filter { ($0["hashtag"] as? String) == tag }.compactMap { $0["leadHours"] as? Double }.min()
            e.leads.append(Lead(hashtag: tag, plantedHours: planted, foundHours: found))
            let ok = found.map { abs($0 - planted) <= 24 } ?? false
            facts.append(Evaluation.Fact(name: "hashtag lead #\(tag)", status: ok ? "found" : "missed",
                                         planted: String(format: "%.1f h", planted), observed: found.map { String(format: "%.1f h", $0) } ?? "",
                                         detail: found == nil ? "no lead_lag pair for the hashtag (watchlist given? coordination found the operation?)"
                                             : "within a day counts as found"))
        }

        // Breakout: outside engagement summed over the groups.
        if let planted = breakout {
            e.breakoutPlanted = planted
            if let groups = (summary?["breakout"] as? [String: Any])?["groups"] as? [[String: Any]] {
                let found = groups.filter { isOperation($0["groupID"]) }.reduce(0) { acc, g in
                    let o = g["outside"] as? [String: Any] ?? [:]
                    return acc + ["retweets", "quotes", "replies", "mentions"].reduce(0) { $0 + ((o[$1] as? Int) ?? 0) }
                }
                e.breakoutFound = found
                let err = planted > 0 ? abs(Double(found - planted)) / Double(planted) : (found == 0 ? 0 : 1)
                facts.append(Evaluation.Fact(name: "breakout (organic engagement)", status: err <= 0.05 ? "found" : "missed",
                                             planted: "\(planted)", observed: "\(found)", detail: String(format: "relative error %.3f; within 5%% counts as found", err)))
            } else {
                facts.append(Evaluation.Fact(name: "breakout (organic engagement)", status: "not evaluated", planted: "\(planted)", observed: "",
                                             detail: "no breakout section in summary.json"))
            }
        }
        return (e, facts)
    }
}
