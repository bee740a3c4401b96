import Foundation
import LockstepCore

extension Evaluation {
    /// How one planted operation was found: its recall and roles, whether its accounts came out as one
    /// result operation (not split over several, not merged with another planted one), the office offset
    /// and the amplification of other operations and watch-listed accounts. Definitions: docs/evaluate.md.
    public struct OperationScore: Codable, Sendable, Equatable {
        /// Planted id (truth.csv's `operation` column).
        public var operation: String
        /// Its accounts in truth.csv.
        public var accounts = 0
        /// Of those, flagged.
        public var flagged = 0
        /// Flagged over accounts.
        public var recall: Double?
        /// Truth population → predicted role (`core`, `amplifier`, `none`) → accounts, within this operation.
        public var roles: [String: [String: Int]] = [:]
        /// Flagged accounts per result operation id holding them (`none`: in no found operation).
        public var resultOperations: [String: Int] = [:]
        /// The result operation holding most of its flagged accounts; nil when none holds any.
        public var matchedOperation: Int?
        /// Share of its flagged accounts in found operations that the matched one holds.
        public var matchedShare: Double?
        /// `one`, `split`, `merged`, `split and merged`, `not found` or `not in results`.
        public var status = "not in results"
        /// Other planted operations with at least ``Evaluation/mergeShare`` of their found accounts in the matched one.
        public var mergedWith: [String] = []
        /// The office offset scenario.json states, hours.
        public var plantedOffsetHours: Double?
        /// `utc_offset_hours` of the matched result operation in summary.json.
        public var reportedOffsetHours: Double?
        /// `found`, `missed` or `not evaluated`.
        public var offsetStatus = "not evaluated"
        /// Planted reposts of other operations' and watch-listed accounts' posts against what the matched operation reports.
        public var amplification: [AmplificationScore] = []
        /// Each planted holiday of the office within the matched operation's span, found or missed.
        public var holidays: [HolidayScore] = []
        /// Why something could not be evaluated.
        public var notes: [String] = []

        enum CodingKeys: String, CodingKey {
            case operation, accounts, flagged, recall, roles, resultOperations, matchedOperation, matchedShare, status, mergedWith
            case plantedOffsetHours, reportedOffsetHours, offsetStatus, amplification, holidays, notes
        }

        // Undefined values are written as null rather than left out, so scripts find every key.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(operation, forKey: .operation)
            try c.encode(accounts, forKey: .accounts)
            try c.encode(flagged, forKey: .flagged)
            try c.encode(recall, forKey: .recall)
            try c.encode(roles, forKey: .roles)
            try c.encode(resultOperations, forKey: .resultOperations)
            try c.encode(matchedOperation, forKey: .matchedOperation)
            try c.encode(matchedShare, forKey: .matchedShare)
            try c.encode(status, forKey: .status)
            try c.encode(mergedWith, forKey: .mergedWith)
            try c.encode(plantedOffsetHours, forKey: .plantedOffsetHours)
            try c.encode(reportedOffsetHours, forKey: .reportedOffsetHours)
            try c.encode(offsetStatus, forKey: .offsetStatus)
            try c.encode(amplification, forKey: .amplification)
            try c.encode(holidays, forKey: .holidays)
            try c.encode(notes, forKey: .notes)
        }
    }

    /// A planted holiday against the matched operation's reported silences (`holidays` in summary.json).
    public struct HolidayScore: Codable, Sendable, Equatable {
        public var name: String
        public var from: String
        public var to: String
        /// `found` when a reported silence covers it, starting and ending within ``holidayTolerance``
        /// days of it (a silence also takes in the weekend next to a holiday); `missed` otherwise.
        public var status: String
        /// The reported silence, `from..to`, when found.
        public var reported: String?
    }

    /// Days a reported silence may start before or end after a planted holiday (the weekend beside it).
    static let holidayTolerance = 3

    /// Scores planted holidays (scenario.json `{start, end, name}`) that fall within the operation's
    /// reported span against its reported silences (`{from, to}`); holidays outside the span are not scored.
    static func holidayScores(planted: [[String: Any]], reported: [[String: Any]], firstPost: String?, lastPost: String?) -> [HolidayScore] {
        let first = firstPost.map { String($0.prefix(10)) } ?? "", last = lastPost.map { String($0.prefix(10)) } ?? ""
        guard !first.isEmpty, !last.isEmpty else { return [] }
        let silences: [(from: Int, to: Int, text: String)] = reported.compactMap { r in
            guard let f = r["from"] as? String, let t = r["to"] as? String, let a = dayNumber(f), let b = dayNumber(t) else { return nil }
            return (a, b, "\(f)..\(t)")
        }
        var out: [HolidayScore] = []
        for h in planted {
            guard let start = h["start"] as? String, let end = h["end"] as? String, let s = dayNumber(start), let e = dayNumber(end),
                  start > first, end < last else { continue }
            let match = silences.first { $0.from <= s && $0.to >= e && s - $0.from <= holidayTolerance && $0.to - e <= holidayTolerance }
            out.append(HolidayScore(name: h["name"] as? String ?? "", from: start, to: end,
                                    status: match == nil ? "missed" : "found", reported: match?.text))
        }
        return out
    }

    /// Days since 1970-01-01 of a `YYYY-MM-DD` date.
    static func dayNumber(_ d: String) -> Int? {
        let p = d.prefix(10).split(separator: "-").compactMap { Int($0) }
        return p.count == 3 ? CivilTime.days(year: p[0], month: p[1], day: p[2]) : nil
    }

    /// Planted against reported reposts of one target by one operation.
    public struct AmplificationScore: Codable, Sendable, Equatable {
        /// The amplified planted operation's id, or the watch-list label (`diplomat`, `state media`).
        public var target: String
        /// Whether the target is an operation rather than a watch-list label.
        public var targetIsOperation: Bool
        /// Reposts generated (scenario.json).
        public var plantedReposts: Int
        /// Reposts the matched result operation's `amplifies` list gives for the target; nil when not evaluated.
        public var reportedReposts: Int?
        /// `found` (reported, at least one repost), `missed` or `not evaluated`.
        public var status: String
        /// Which result entries were counted, or why none could be.
        public var detail: String
    }

    /// A planted operation is `split` when no result operation holds this share of its found accounts.
    public static let oneOperationShare = 0.8
    /// A result operation is `merged` when it also holds this share of another planted operation's found accounts.
    public static let mergeShare = 0.2

    /// Scores each planted operation; `truthOperation` is truth.csv's `operation` per account (nil: no such column).
    static func operationScores(truth: [String: String], truthOperation: [String: String]?, flagged: [String: Bool],
                                role: [String: String], resultOperation: [String: String]?, summary: URL,
                                scenario: [String: Any]?) -> (scores: [OperationScore], notes: [String]) {
        var notes: [String] = []
        // Planted operations: truth's column, or (an older simulation) every operation account as one.
        var planted: [String: String] = [:]
        if let truthOperation {
            for (id, op) in truthOperation where !op.isEmpty { planted[id] = op }
        } else {
            let name = (scenario?["operationUtcOffsetHours"] != nil) ? "prc" : "operation"
            for (id, population) in truth where PopulationScore.kind(of: population) == "operation"
                && population != Population.bot.rawValue && population != Population.surgeFollower.rawValue {
                planted[id] = name
            }
            if !planted.isEmpty {
                notes.append("truth.csv has no operation column: its core, amplifier and hijacked accounts count as one operation")
            }
        }
        guard !planted.isEmpty else { return ([], notes) }
        let facts = (scenario?["operations"] as? [[String: Any]]) ?? []
        let factsByID = Dictionary(facts.compactMap { f in (f["id"] as? String).map { ($0, f) } }, uniquingKeysWith: { a, _ in a })

        // The results' operations and which of them are found operations (verdict `operation`).
        var resultOps: [Int: [String: Any]]? = nil
        if FileManager.default.fileExists(atPath: summary.path),
           let data = try? Data(contentsOf: summary), let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let list = json["operations"] as? [[String: Any]] {
            resultOps = [:]
            for o in list { if let id = (o["id"] as? NSNumber)?.intValue { resultOps![id] = o } }
        }
        if resultOperation != nil && resultOps == nil {
            notes.append("summary.json has no operations list (not in results): every operation id in accounts.csv counts as found; offsets and amplification not evaluated")
        }
        func found(_ raw: String?) -> Int? {
            guard let raw, let id = Int(raw.trimmingCharacters(in: .whitespaces)), id >= 1 else { return nil }
            guard let resultOps else { return id }
            return (resultOps[id]?["verdict"] as? String) == "operation" ? id : nil
        }

        let ids = Set(planted.values).sorted()
        var scores: [String: OperationScore] = [:]
        // Found accounts of each planted operation per result operation.
        var placed: [String: [Int: Int]] = [:]
        for op in ids { scores[op] = OperationScore(operation: op) }
        for (id, op) in planted {
            let isFlagged = flagged[id] ?? false
            scores[op]!.accounts += 1
            scores[op]!.roles[truth[id] ?? "?", default: ["core": 0, "amplifier": 0, "none": 0]][role[id] ?? "none", default: 0] += 1
            guard isFlagged else { continue }
            scores[op]!.flagged += 1
            guard let resultOperation else { continue }
            if let r = found(resultOperation[id]) {
                placed[op, default: [:]][r, default: 0] += 1
                scores[op]!.resultOperations[String(r), default: 0] += 1
            } else {
                scores[op]!.resultOperations["none", default: 0] += 1
            }
        }
        for op in ids {
            var s = scores[op]!
            s.recall = s.accounts > 0 ? Double(s.flagged) / Double(s.accounts) : nil
            let fact = factsByID[op]
            s.plantedOffsetHours = (fact?["utcOffsetHours"] as? NSNumber)?.doubleValue
                ?? (factsByID.isEmpty ? (scenario?["operationUtcOffsetHours"] as? NSNumber)?.doubleValue : nil)
            guard resultOperation != nil else {
                s.status = "not in results"
                s.notes.append("accounts.csv has no operation column (results made before the operations analysis)")
                scores[op] = s
                continue
            }
            let counts = placed[op] ?? [:]
            let total = counts.values.reduce(0, +)
            guard let best = counts.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }) else {
                s.status = "not found"
                s.notes.append(s.flagged == 0 ? "no account of it is flagged" : "none of its flagged accounts is in a found operation")
                scores[op] = s
                continue
            }
            s.matchedOperation = best.key
            s.matchedShare = Double(best.value) / Double(total)
            s.mergedWith = ids.filter { other in
                guard other != op, let theirs = placed[other] else { return false }
                let theirTotal = theirs.values.reduce(0, +)
                return theirTotal > 0 && Double(theirs[best.key] ?? 0) / Double(theirTotal) >= mergeShare
            }
            let split = counts.count > 1 && s.matchedShare! < oneOperationShare
            s.status = split ? (s.mergedWith.isEmpty ? "split" : "split and merged") : (s.mergedWith.isEmpty ? "one" : "merged")
            scores[op] = s
        }

        // Offsets and amplification need the matched operations' entries in summary.json.
        let matched = Dictionary(uniqueKeysWithValues: ids.map { ($0, scores[$0]!.matchedOperation) })
        for op in ids {
            var s = scores[op]!
            let entry = s.matchedOperation.flatMap { resultOps?[$0] }
            if let planted = s.plantedOffsetHours {
                if let entry, let reported = (entry["utc_offset_hours"] as? NSNumber)?.doubleValue {
                    s.reportedOffsetHours = reported
                    s.offsetStatus = abs(reported - planted) < 0.01 ? "found" : "missed"
                } else if entry != nil {
                    s.offsetStatus = "missed"
                    s.notes.append("the matched operation has no utc_offset_hours")
                } else {
                    s.offsetStatus = "not evaluated"
                }
            } else {
                s.offsetStatus = "not evaluated"
                s.notes.append("scenario.json states no office offset for \(op)")
            }
            if let entry {
                s.holidays = Self.holidayScores(planted: (factsByID[op]?["holidays"] as? [[String: Any]]) ?? [],
                                                reported: (entry["holidays"] as? [[String: Any]]) ?? [],
                                                firstPost: entry["first_post"] as? String, lastPost: entry["last_post"] as? String)
            }
            let plantedAmplification = (factsByID[op]?["amplifies"] as? [[String: Any]]) ?? []
            let reported = entry?["amplifies"] as? [[String: Any]]
            for a in plantedAmplification {
                let targetOp = a["operation"] as? String, label = a["label"] as? String
                guard let target = targetOp ?? label else { continue }
                var score = AmplificationScore(target: target, targetIsOperation: targetOp != nil,
                                               plantedReposts: (a["reposts"] as? NSNumber)?.intValue ?? 0,
                                               reportedReposts: nil, status: "not evaluated", detail: "")
                guard entry != nil else {
                    score.detail = resultOperation == nil ? "not in results" : "\(op) was not found as an operation"
                    s.amplification.append(score)
                    continue
                }
                guard let reported else {
                    score.detail = "the matched operation has no amplifies list (not in results)"
                    s.amplification.append(score)
                    continue
                }
                var counted: [[String: Any]] = []
                if let targetOp {
                    guard let theirs = matched[targetOp] ?? nil else {
                        score.detail = "\(targetOp) was not found as an operation"
                        s.amplification.append(score)
                        continue
                    }
                    counted = reported.filter { ($0["operation"] as? NSNumber)?.intValue == theirs }
                    score.detail = "entries for result operation \(theirs)"
                } else if let label {
                    counted = reported.filter { ($0["label"] as? String)?.lowercased() == label.lowercased() }
                    score.detail = "entries labelled \(label)"
                }
                let n = counted.compactMap { ($0["reposts"] as? NSNumber)?.intValue }.reduce(0, +)
                score.reportedReposts = n
                score.status = n > 0 ? "found" : "missed"
                s.amplification.append(score)
            }
            scores[op] = s
        }
        return (ids.map { scores[$0]! }, notes)
    }

    /// The per-operation lines of the table.
    func operationLines() -> [String] {
        guard !operations.isEmpty else { return [] }
        func pct(_ v: Double?) -> String { v.map { String(format: "%.3f", $0) } ?? "n/a" }
        var out = ["", "Planted operations (one = found as one result operation; split below \(Int(Self.oneOperationShare * 100))%, merged from \(Int(Self.mergeShare * 100))%)"]
        for o in operations {
            var line = "  \(o.operation): \(o.accounts) accounts, \(o.flagged) flagged, recall \(pct(o.recall)) — \(o.status)"
            if let m = o.matchedOperation, let share = o.matchedShare {
                line += ": result operation \(m) holds \(Int((share * 100).rounded()))% of its accounts in operations"
                let others = o.resultOperations.filter { $0.key != String(m) && $0.key != "none" }.sorted { $0.key < $1.key }
                if !others.isEmpty { line += " (also " + others.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + ")" }
                if let none = o.resultOperations["none"] { line += ", \(none) flagged in none" }
            }
            if !o.mergedWith.isEmpty { line += "; merged with \(o.mergedWith.joined(separator: ", "))" }
            out.append(line)
            let roles = o.roles.sorted { $0.key < $1.key }.map { p, r in
                "\(p) → core \(r["core"] ?? 0) / amplifier \(r["amplifier"] ?? 0) / none \(r["none"] ?? 0)"
            }
            out.append("    roles: " + roles.joined(separator: "; "))
            var offset = "    office offset: " + (o.plantedOffsetHours.map { "planted \(Self.format(hours: $0))" } ?? "not planted")
            if let r = o.reportedOffsetHours { offset += ", reported \(Self.format(hours: r))" }
            out.append(offset + " — \(o.offsetStatus)")
            if !o.holidays.isEmpty {
                let missed = o.holidays.filter { $0.status == "missed" }
                var l = "    holidays: \(o.holidays.count - missed.count) of \(o.holidays.count) planted in its span found as silences"
                if !missed.isEmpty { l += " (missed: " + missed.map { "\($0.name) \($0.from)..\($0.to)" }.joined(separator: ", ") + ")" }
                out.append(l)
            }
            for a in o.amplification {
                var l = "    amplifies \(a.targetIsOperation ? "operation " : "")\(a.target): planted \(a.plantedReposts) reposts"
                if let r = a.reportedReposts { l += ", reported \(r)" }
                out.append(l + " — \(a.status)" + (a.detail.isEmpty ? "" : " (\(a.detail))"))
            }
            for n in o.notes { out.append("    note: \(n)") }
        }
        return out
    }
}
