import Foundation
import LockstepCore

/// Scores an `analyze` run (accounts.csv, and optionally summary.json and follower_surges.csv)
/// against a simulation's truth.csv and scenario.json. Definitions: docs/evaluate.md.
public struct Evaluation: Codable, Sendable, Equatable {
    /// Counts and rates of `flagged` against the positives (the operation's populations); organic and
    /// benign (`benign_*`) accounts are the negatives.
    public struct Scores: Codable, Sendable, Equatable {
        /// Flagged accounts of the operation.
        public var truePositives = 0
        /// Flagged negatives: organic and benign accounts.
        public var falsePositives = 0
        /// Operation accounts not flagged.
        public var falseNegatives = 0
        /// Organic and benign accounts not flagged.
        public var trueNegatives = 0
        /// Nil when nothing is flagged.
        public var precision: Double?
        /// Nil when there are no positives.
        public var recall: Double?
        /// Harmonic mean of precision and recall; nil when either is nil.
        public var f1: Double?
        /// Flagged organic accounts over organic accounts; nil without organic accounts.
        public var falsePositiveRate: Double?
        /// Flagged benign accounts over benign accounts (all benign populations); nil without benign accounts.
        public var benignFalsePositiveRate: Double?

        enum CodingKeys: String, CodingKey {
            case truePositives, falsePositives, falseNegatives, trueNegatives, precision, recall, f1, falsePositiveRate
            case benignFalsePositiveRate
        }

        // Undefined rates are written as null rather than left out, so scripts find every key.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(truePositives, forKey: .truePositives)
            try c.encode(falsePositives, forKey: .falsePositives)
            try c.encode(falseNegatives, forKey: .falseNegatives)
            try c.encode(trueNegatives, forKey: .trueNegatives)
            try c.encode(precision, forKey: .precision)
            try c.encode(recall, forKey: .recall)
            try c.encode(f1, forKey: .f1)
            try c.encode(falsePositiveRate, forKey: .falsePositiveRate)
            try c.encode(benignFalsePositiveRate, forKey: .benignFalsePositiveRate)
        }
    }

    /// How one truth population fared.
    public struct PopulationScore: Codable, Sendable, Equatable {
        /// Population name as in truth.csv.
        public var population: String
        /// Accounts of the population in truth.csv.
        public var accounts: Int
        /// Of those, listed in accounts.csv.
        public var inResults: Int
        /// Of those, flagged.
        public var flagged: Int
        /// Flagged over accounts: recall for operation populations, false-positive rate for organic and benign ones.
        public var flaggedRate: Double?
        /// `operation` (a positive), `organic` or `benign` (negatives).
        public var kind: String

        /// Whether the population is `organic`, `benign` (a `benign_*` name) or the operation's.
        public static func kind(of population: String) -> String {
            population == Population.organic.rawValue ? "organic" : Population.isBenign(population) ? "benign" : "operation"
        }
    }

    /// Whether the run found one planted fact.
    public struct Fact: Codable, Sendable, Equatable {
        /// `operation offset`, `pivot`, `follower surge <handle>`.
        public var name: String
        /// `found`, `missed`, `not evaluated` or `not planted`.
        public var status: String
        /// What the scenario planted.
        public var planted: String
        /// What the run reported that is closest to it.
        public var observed: String
        /// Why the status is what it is.
        public var detail: String
    }

    /// Path of truth.csv.
    public var truthFile: String
    /// The results folder read.
    public var resultsDirectory: String
    /// Path of scenario.json, if one was used.
    public var scenarioFile: String?
    /// Accounts in truth.csv.
    public var truthAccounts = 0
    /// Rows of accounts.csv.
    public var resultAccounts = 0
    /// Truth accounts absent from accounts.csv; counted as not flagged.
    public var truthAccountsMissingFromResults = 0
    /// Result accounts absent from truth.csv; left out of every score.
    public var resultAccountsNotInTruth = 0
    /// Populations counted as positives.
    public var positivePopulations: [String] = Population.allCases.filter(\.isOperation).map(\.rawValue)
    /// Benign populations in truth.csv: negatives, reported apart from organic.
    public var benignPopulations: [String] = []
    /// Scores of the flagged column.
    public var flagged = Scores()
    /// Scores per truth population.
    public var populations: [PopulationScore] = []
    /// Truth population → predicted role (`core`, `amplifier`, `none`) → accounts.
    public var roleConfusion: [String: [String: Int]] = [:]
    /// One entry per planted fact.
    public var facts: [Fact] = []
    /// One entry per planted operation (truth.csv's `operation` column): found as one, its offset, its amplification.
    public var operations: [OperationScore] = []
    /// Things the reader should know (missing columns, unknown role values).
    public var notes: [String] = []

    /// Days of tolerance for the pivot date and for surge windows.
    public static let pivotToleranceDays = 3
    /// Days of tolerance for each end of a surge window.
    public static let surgeToleranceDays = 2

    /// A required input could not be read.
    public struct InputError: Error, CustomStringConvertible, Sendable {
        /// The message shown to the user.
        public var description: String
    }

    /// Reads the files and computes every score. Missing optional files make facts "not evaluated".
    public static func run(truth truthURL: URL, results dir: URL, scenario scenarioURL: URL?) throws -> Evaluation {
        let fm = FileManager.default
        let accountsURL = dir.appendingPathComponent("accounts.csv")
        guard fm.fileExists(atPath: truthURL.path) else {
            throw InputError(description: "no truth file at \(truthURL.path) (made by `lockstep simulate`)")
        }
        guard fm.fileExists(atPath: accountsURL.path) else {
            throw InputError(description: "no accounts.csv in \(dir.path) (run `lockstep analyze ... --out \(dir.path)` first)")
        }
        let truthCSV = try SimpleCSV.read(truthURL)
        let results = try SimpleCSV.read(accountsURL)
        guard let tID = truthCSV.column("account_id"), let tPop = truthCSV.column("population") else {
            throw InputError(description: "\(truthURL.lastPathComponent) needs columns account_id,population")
        }
        guard let rID = results.column("account_id") else {
            throw InputError(description: "accounts.csv has no account_id column")
        }
        var truth: [String: String] = [:]
        var truthOrder: [String] = []
        let tOp = truthCSV.column("operation")
        var truthOperation: [String: String]? = tOp == nil ? nil : [:]
        for row in truthCSV.rows {
            if truth.updateValue(row[tPop], forKey: row[tID]) == nil { truthOrder.append(row[tID]) }
            if let tOp { truthOperation![row[tID]] = row[tOp].trimmingCharacters(in: .whitespaces) }
        }

        var e = Evaluation(truthFile: truthURL.path, resultsDirectory: dir.path, scenarioFile: scenarioURL?.path)
        let rFlag = results.column("flagged"), rRole = results.column("role"), rOffset = results.column("utc_offset_hours")
        let rOperation = results.column("operation")
        var resultOperation: [String: String]? = rOperation == nil ? nil : [:]
        if rFlag == nil { e.notes.append("accounts.csv has no flagged column: every account counts as not flagged") }
        if rRole == nil { e.notes.append("accounts.csv has no role column: every account counts as role none") }
        var flagged: [String: Bool] = [:]
        var role: [String: String] = [:]
        var offset: [String: String] = [:]
        var unknownRoles = Set<String>()
        for row in results.rows {
            let id = row[rID]
            guard truth[id] != nil else { e.resultAccountsNotInTruth += 1; continue }
            flagged[id] = rFlag.map { isTrue(row[$0]) } ?? false
            var r = rRole.map { row[$0].trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            if r != "core" && r != "amplifier" {
                if !r.isEmpty { unknownRoles.insert(r) }
                r = "none"
            }
            role[id] = r
            if let rOffset { offset[id] = row[rOffset].trimmingCharacters(in: .whitespaces) }
            if let rOperation { resultOperation![id] = row[rOperation] }
        }
        if !unknownRoles.isEmpty {
            e.notes.append("role values other than core/amplifier counted as none: \(unknownRoles.sorted().joined(separator: ", "))")
        }
        e.truthAccounts = truth.count
        e.resultAccounts = results.rows.count
        e.truthAccountsMissingFromResults = truth.count - flagged.count

        // Flagged against truth, overall and per population.
        var perPopulation: [String: (n: Int, seen: Int, flagged: Int)] = [:]
        var confusion: [String: [String: Int]] = [:]
        var s = Scores()
        var organic = 0, organicFlagged = 0, benign = 0, benignFlagged = 0
        for id in truthOrder {
            let population = truth[id]!
            let isFlagged = flagged[id] ?? false
            let kind = PopulationScore.kind(of: population)
            let positive = kind == "operation"
            switch (positive, isFlagged) {
            case (true, true): s.truePositives += 1
            case (true, false): s.falseNegatives += 1
            case (false, true): s.falsePositives += 1
            case (false, false): s.trueNegatives += 1
            }
            if kind == "organic" {
                organic += 1
                if isFlagged { organicFlagged += 1 }
            } else if kind == "benign" {
                benign += 1
                if isFlagged { benignFlagged += 1 }
            }
            var p = perPopulation[population] ?? (0, 0, 0)
            p.n += 1
            if flagged[id] != nil { p.seen += 1 }
            if isFlagged { p.flagged += 1 }
            perPopulation[population] = p
            confusion[population, default: ["core": 0, "amplifier": 0, "none": 0]][role[id] ?? "none", default: 0] += 1
        }
        let flaggedCount = s.truePositives + s.falsePositives, positives = s.truePositives + s.falseNegatives
        s.precision = flaggedCount > 0 ? Double(s.truePositives) / Double(flaggedCount) : nil
        s.recall = positives > 0 ? Double(s.truePositives) / Double(positives) : nil
        if let p = s.precision, let r = s.recall { s.f1 = p + r > 0 ? 2 * p * r / (p + r) : 0 }
        s.falsePositiveRate = organic > 0 ? Double(organicFlagged) / Double(organic) : nil
        s.benignFalsePositiveRate = benign > 0 ? Double(benignFlagged) / Double(benign) : nil
        e.flagged = s
        let known = Population.allCases.map(\.rawValue)
        let names = known.filter { perPopulation[$0] != nil } + perPopulation.keys.filter { !known.contains($0) }.sorted()
        e.populations = names.map { name in
            let p = perPopulation[name]!
            return PopulationScore(population: name, accounts: p.n, inResults: p.seen, flagged: p.flagged,
                                   flaggedRate: p.n > 0 ? Double(p.flagged) / Double(p.n) : nil, kind: PopulationScore.kind(of: name))
        }
        e.benignPopulations = e.populations.filter { $0.kind == "benign" }.map(\.population)
        e.roleConfusion = confusion

        // Planted facts.
        var scenario: [String: Any]? = nil
        if let scenarioURL, fm.fileExists(atPath: scenarioURL.path) {
            guard let json = try JSONSerialization.jsonObject(with: Data(contentsOf: scenarioURL)) as? [String: Any] else {
                throw InputError(description: "\(scenarioURL.path) is not a JSON object")
            }
            scenario = json
        }
        if rOperation == nil && truthOperation?.values.contains(where: { !$0.isEmpty }) == true {
            e.notes.append("accounts.csv has no operation column (not in results): operations are not evaluated")
        }
        let perOperation = operationScores(truth: truth, truthOperation: truthOperation, flagged: flagged, role: role,
                                           resultOperation: resultOperation, summary: dir.appendingPathComponent("summary.json"),
                                           scenario: scenario)
        e.operations = perOperation.scores
        e.notes += perOperation.notes
        guard let scenarioURL else {
            e.facts = [Fact(name: "planted facts", status: "not evaluated", planted: "", observed: "", detail: "no scenario.json given (--scenario)")]
            return e
        }
        guard let scenario else {
            e.facts = [Fact(name: "planted facts", status: "not evaluated", planted: "", observed: "", detail: "no scenario.json at \(scenarioURL.path)")]
            return e
        }
        // The legacy offset fact is the first operation's: its core accounts only, when truth says which they are.
        let firstOperation = ((scenario["operations"] as? [[String: Any]])?.first?["id"] as? String)
        let firstTruth = truth.filter { id, _ in firstOperation == nil || truthOperation?[id] == nil || truthOperation?[id] == firstOperation }
        e.facts.append(offsetFact(scenario: scenario, truth: firstTruth, offsets: rOffset == nil ? nil : offset))
        e.facts.append(try pivotFact(scenario: scenario, summary: dir.appendingPathComponent("summary.json")))
        e.facts += surgeFacts(scenario: scenario, file: dir.appendingPathComponent("follower_surges.csv"))
        return e
    }

    static func isTrue(_ s: String) -> Bool {
        switch s.trimmingCharacters(in: .whitespaces).lowercased() {
        case "true", "1", "yes", "y", "t": true
        default: false
        }
    }

    /// Hours from `8`, `+8`, `8.0`, `+08:00` or `-05:30`.
    static func hours(_ s: String) -> Double? {
        let t = s.trimmingCharacters(in: .whitespaces)
        if let v = Double(t) { return v }
        let sign: Double = t.hasPrefix("-") ? -1 : 1
        let body = t.hasPrefix("+") || t.hasPrefix("-") ? String(t.dropFirst()) : t
        let parts = body.split(separator: ":")
        guard parts.count == 2, let h = Double(parts[0]), let m = Double(parts[1]) else { return nil }
        return sign * (h + m / 60)
    }

    static func offsetFact(scenario: [String: Any], truth: [String: String], offsets: [String: String]?) -> Fact {
        var f = Fact(name: "operation offset", status: "", planted: "", observed: "", detail: "")
        guard let planted = (scenario["operationUtcOffsetHours"] as? NSNumber)?.doubleValue else {
            f.status = "not planted"
            f.detail = "the scenario has no office-run operation"
            return f
        }
        f.planted = format(hours: planted)
        guard let offsets else {
            f.status = "not evaluated"
            f.detail = "accounts.csv has no utc_offset_hours column"
            return f
        }
        // An all-empty column means no schedule analysis ran, which is not a miss.
        guard offsets.values.contains(where: { !$0.isEmpty }) else {
            f.status = "not evaluated"
            f.detail = "no account in accounts.csv has a utc_offset_hours value (no schedule analysis ran)"
            return f
        }
        var counts: [Double: Int] = [:]
        for (id, value) in offsets where truth[id] == Population.core.rawValue && !value.isEmpty {
            if let h = hours(value) { counts[h, default: 0] += 1 }
        }
        guard let best = counts.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }) else {
            f.status = "missed"
            f.detail = "no core account has a utc_offset_hours value"
            return f
        }
        let total = counts.values.reduce(0, +)
        f.observed = format(hours: best.key)
        f.status = abs(best.key - planted) < 0.01 ? "found" : "missed"
        f.detail = "most common offset among \(total) core accounts with one (\(best.value) of them)"
        return f
    }

    static func pivotFact(scenario: [String: Any], summary: URL) throws -> Fact {
        var f = Fact(name: "pivot", status: "", planted: "", observed: "", detail: "")
        guard let planted = scenario["pivotDate"] as? String, let plantedDay = day(planted) else {
            f.status = "not planted"
            f.detail = "the scenario has no narrative pivot"
            return f
        }
        f.planted = planted
        guard FileManager.default.fileExists(atPath: summary.path) else {
            f.status = "not evaluated"
            f.detail = "no summary.json in the results"
            return f
        }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: summary)) as? [String: Any]
        guard let narratives = json?["narratives"] as? [String: Any], let points = narratives["changePoints"] as? [Any] else {
            f.status = "not evaluated"
            f.detail = "summary.json has no narratives.changePoints (the narratives analysis did not run)"
            return f
        }
        let days = points.compactMap { ($0 as? [String: Any])?["date"] as? String }.compactMap { s in day(s).map { (s, $0) } }
        guard let nearest = days.min(by: { abs($0.1 - plantedDay) < abs($1.1 - plantedDay) }) else {
            f.status = "missed"
            f.detail = "no change point reported"
            return f
        }
        f.observed = nearest.0
        let off = nearest.1 - plantedDay
        f.status = abs(off) <= pivotToleranceDays ? "found" : "missed"
        f.detail = "nearest of \(days.count) change points, \(off >= 0 ? "+" : "")\(off) days (tolerance ±\(pivotToleranceDays))"
        return f
    }

    static func surgeFacts(scenario: [String: Any], file: URL) -> [Fact] {
        let surges = scenario["followerSurges"] as? [[String: Any]] ?? []
        if surges.isEmpty {
            return [Fact(name: "follower surges", status: "not planted", planted: "", observed: "", detail: "the scenario plants no follower surge")]
        }
        let found = try? SimpleCSV.read(file)
        return surges.map { s in
            let target = s["target"] as? String ?? "", handle = s["targetHandle"] as? String ?? ""
            let start = s["start"] as? String ?? "", end = s["end"] as? String ?? ""
            var f = Fact(name: "follower surge \(handle.isEmpty ? target : "@" + handle)", status: "", planted: "\(start)..\(end)",
                         observed: "", detail: "")
            guard let found else {
                f.status = "not evaluated"
                f.detail = FileManager.default.fileExists(atPath: file.path) ? "follower_surges.csv unreadable" : "no follower_surges.csv in the results"
                return f
            }
            guard let cT = found.column("target"), let cS = found.column("start"), let cE = found.column("end") else {
                f.status = "not evaluated"
                f.detail = "follower_surges.csv needs target,start,end columns"
                return f
            }
            let rows = found.rows.filter {
                let t = $0[cT].trimmingCharacters(in: .whitespaces)
                return t == target || (!handle.isEmpty && t.lowercased().trimmingCharacters(in: ["@"]) == handle.lowercased())
            }
            guard let ps = day(start), let pe = day(end) else {
                f.status = "not evaluated"
                f.detail = "scenario.json surge dates unreadable"
                return f
            }
            var best: (String, Int)? = nil
            for r in rows {
                guard let rs = day(r[cS]), let re = day(r[cE]) else { continue }
                let error = max(abs(rs - ps), abs(re - pe))
                if best == nil || error < best!.1 { best = ("\(CivilTime.isoDate(dayNumber: rs))..\(CivilTime.isoDate(dayNumber: re))", error) }
            }
            guard let best else {
                f.status = "missed"
                f.detail = rows.isEmpty ? "no surge reported on this target" : "surge rows on this target have unreadable dates"
                return f
            }
            f.observed = best.0
            f.status = best.1 <= surgeToleranceDays ? "found" : "missed"
            f.detail = "closest of \(rows.count) reported surges on this target, off by up to \(best.1) days (tolerance ±\(surgeToleranceDays))"
            return f
        }
    }

    /// Day number of `YYYY-MM-DD` or an ISO date-time (its UTC day).
    static func day(_ s: String) -> Int? {
        let t = s.trimmingCharacters(in: .whitespaces)
        if let v = CivilTime.parseISO(t) { return CivilTime.dayNumber(v) }
        guard t.count >= 10, let v = CivilTime.parseISO(String(t.prefix(10))) else { return nil }
        return CivilTime.dayNumber(v)
    }

    static func format(hours h: Double) -> String {
        let minutes = Int((abs(h) * 60).rounded())
        let sign = h < 0 ? "-" : "+"
        return minutes % 60 == 0 ? "UTC\(sign)\(minutes / 60)" : "UTC\(sign)\(minutes / 60):\(minutes % 60 < 10 ? "0" : "")\(minutes % 60)"
    }

    /// The JSON document `evaluate` writes: keys sorted, so equal results give equal bytes.
    public func json() throws -> Data {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var d = try enc.encode(self)
        d.append(0x0A)
        return d
    }

    /// A readable table for the terminal.
    public func table() -> String {
        func pct(_ v: Double?) -> String { v.map { String(format: "%.3f", $0) } ?? "n/a" }
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
        var out: [String] = []
        out.append("Flagged accounts vs truth (positives: \(positivePopulations.joined(separator: ", ")))")
        out.append("  precision \(pct(flagged.precision))   recall \(pct(flagged.recall))   F1 \(pct(flagged.f1))   organic false-positive rate \(pct(flagged.falsePositiveRate))")
        if !benignPopulations.isEmpty {
            out.append("  benign false-positive rate \(pct(flagged.benignFalsePositiveRate)) (negatives too: \(benignPopulations.joined(separator: ", ")))")
        }
        out.append("  TP \(flagged.truePositives)  FP \(flagged.falsePositives)  FN \(flagged.falseNegatives)  TN \(flagged.trueNegatives)")
        out.append("")
        out.append(pad("population", 18) + lpad("accounts", 10) + lpad("in results", 12) + lpad("flagged", 10) + lpad("rate", 9) + "  meaning")
        for p in populations {
            let meaning = p.kind == "operation" ? "recall" : p.kind == "benign" ? "false-positive rate (benign)" : "false-positive rate"
            out.append(pad(p.population, 18) + lpad(String(p.accounts), 10) + lpad(String(p.inResults), 12)
                       + lpad(String(p.flagged), 10) + lpad(pct(p.flaggedRate), 9) + "  " + meaning)
        }
        out.append("")
        out.append("Role (columns) vs truth (rows)")
        out.append(pad("", 18) + lpad("core", 10) + lpad("amplifier", 11) + lpad("none", 10))
        for p in populations {
            let row = roleConfusion[p.population] ?? [:]
            out.append(pad(p.population, 18) + lpad(String(row["core"] ?? 0), 10) + lpad(String(row["amplifier"] ?? 0), 11)
                       + lpad(String(row["none"] ?? 0), 10))
        }
        out.append("")
        out.append("Planted facts")
        for f in facts {
            var line = "  " + pad(f.name, 34) + pad(f.status, 15)
            if !f.planted.isEmpty { line += "planted \(f.planted)" }
            if !f.observed.isEmpty { line += ", found \(f.observed)" }
            if !f.detail.isEmpty { line += " — \(f.detail)" }
            out.append(line)
        }
        out += operationLines()
        if truthAccountsMissingFromResults > 0 || resultAccountsNotInTruth > 0 {
            out.append("")
            out.append("\(truthAccountsMissingFromResults) truth accounts are not in accounts.csv (counted as not flagged); "
                       + "\(resultAccountsNotInTruth) result accounts are not in truth.csv (ignored)")
        }
        for n in notes { out.append("note: \(n)") }
        return out.joined(separator: "\n") + "\n"
    }
}
