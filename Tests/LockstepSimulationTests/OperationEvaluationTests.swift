import Foundation
import Testing
@testable import LockstepSimulation

/// `evaluate` per planted operation, on small hand-made results folders: found as one, split, merged,
/// results without the operation column or summary.json's operations, truth without the column.
@Suite struct OperationEvaluationTests {
    /// prc: core p1-p6, amplifiers p7-p10; ru: core r1-r3, amplifiers r4-r5; organic o1-o10; fans f1-f5.
    static let truth: String = {
        var lines = ["account_id,population,operation"]
        for i in 1...6 { lines.append("p\(i),core,prc") }
        for i in 7...10 { lines.append("p\(i),amplifier,prc") }
        for i in 1...3 { lines.append("r\(i),core,ru") }
        for i in 4...5 { lines.append("r\(i),amplifier,ru") }
        for i in 1...10 { lines.append("o\(i),organic,") }
        for i in 1...5 { lines.append("f\(i),benign_fans,") }
        return lines.joined(separator: "\n") + "\n"
    }()

    static let scenario = """
        {"operationUtcOffsetHours": 8, "followerSurges": [],
         "operations": [
          {"id": "prc", "utcOffsetHours": 8, "amplifies": [{"label": "diplomat", "reposts": 30, "accounts": 4}]},
          {"id": "ru", "utcOffsetHours": 3, "amplifies": [{"operation": "prc", "reposts": 40, "accounts": 2},
                                                         {"label": "diplomat", "reposts": 12, "accounts": 2}]}]}
        """

    /// `operation(id)` gives each account's result operation (nil: blank); `role` its role.
    func folder(operationColumn: Bool = true, summary: String?, truth: String = Self.truth,
                operation: (String) -> Int?, flagged: (String) -> Bool = { !$0.hasPrefix("o") && !$0.hasPrefix("f") }) -> (URL, URL, URL) {
        let d = tempDir(), r = d.appendingPathComponent("results")
        try! FileManager.default.createDirectory(at: r, withIntermediateDirectories: true)
        write(truth, "truth.csv", in: d)
        write(Self.scenario, "scenario.json", in: d)
        var rows = [operationColumn ? "account_id,flagged,role,cluster,operation" : "account_id,flagged,role,cluster"]
        for line in Self.truth.split(separator: "\n").dropFirst() {
            let id = String(line.split(separator: ",")[0])
            let role = line.contains(",core,") ? "core" : line.contains(",amplifier,") ? "amplifier" : ""
            var row = "\(id),\(flagged(id) ? "true" : "false"),\(role),"
            if operationColumn { row += "," + (operation(id).map(String.init) ?? "") }
            rows.append(row)
        }
        write(rows.joined(separator: "\n") + "\n", "accounts.csv", in: r)
        if let summary { write(summary, "summary.json", in: r) }
        return (d.appendingPathComponent("truth.csv"), r, d.appendingPathComponent("scenario.json"))
    }

    func run(_ f: (URL, URL, URL)) throws -> Evaluation {
        try Evaluation.run(truth: f.0, results: f.1, scenario: f.2)
    }

    func op(_ e: Evaluation, _ id: String) throws -> Evaluation.OperationScore {
        try #require(e.operations.first { $0.operation == id })
    }

    static let twoFound = """
        {"operations": [
          {"id": 1, "verdict": "operation", "accounts": 10, "utc_offset_hours": 8,
           "amplifies": [{"label": "diplomat", "reposts": 25, "examples": []}]},
          {"id": 2, "verdict": "operation", "accounts": 5, "utc_offset_hours": 3,
           "amplifies": [{"operation": 1, "reposts": 35, "examples": ["123"]}, {"label": "diplomat", "reposts": 9, "examples": []},
                         {"account": "99", "reposts": 4, "examples": []}]},
          {"id": 3, "verdict": "authentic_coordination", "accounts": 5, "utc_offset_hours": 9, "amplifies": []}]}
        """

    @Test func eachPlantedOperationFoundAsOneWithItsOffsetAndAmplification() throws {
        let e = try run(folder(summary: Self.twoFound) { $0.hasPrefix("p") ? 1 : $0.hasPrefix("r") ? 2 : $0.hasPrefix("f") ? 3 : nil })
        let prc = try op(e, "prc"), ru = try op(e, "ru")
        #expect(prc.accounts == 10 && prc.flagged == 10 && prc.recall == 1)
        #expect(prc.status == "one" && prc.matchedOperation == 1 && prc.matchedShare == 1 && prc.mergedWith.isEmpty)
        #expect(prc.roles["core"] == ["core": 6, "amplifier": 0, "none": 0])
        #expect(prc.offsetStatus == "found" && prc.reportedOffsetHours == 8)
        #expect(prc.amplification == [Evaluation.AmplificationScore(target: "diplomat", targetIsOperation: false, plantedReposts: 30,
                                                                       reportedReposts: 25, status: "found", detail: "entries labelled diplomat")])
        #expect(ru.status == "one" && ru.matchedOperation == 2 && ru.offsetStatus == "found")
        let ofPRC = try #require(ru.amplification.first { $0.target == "prc" })
        #expect(ofPRC.targetIsOperation && ofPRC.plantedReposts == 40 && ofPRC.reportedReposts == 35 && ofPRC.status == "found")
        #expect(ru.amplification.first { $0.target == "diplomat" }?.reportedReposts == 9)
        // The benign fans sit in an authentic-coordination result operation, which is no found operation.
        #expect(e.table().contains("prc: 10 accounts, 10 flagged, recall 1.000 — one"))
        let json = String(decoding: try e.json(), as: UTF8.self)
        #expect(json.contains("\"matchedOperation\" : 2") && json.contains("\"reportedOffsetHours\" : 3"))
    }

    @Test func anOperationSpreadOverSeveralIsSplitAndItsOffsetCanBeMissed() throws {
        let summary = """
            {"operations": [{"id": 1, "verdict": "operation", "utc_offset_hours": 7, "amplifies": []},
                            {"id": 4, "verdict": "operation", "utc_offset_hours": 8, "amplifies": []},
                            {"id": 2, "verdict": "operation", "utc_offset_hours": 3, "amplifies": []}]}
            """
        // prc: six accounts in 1, four in 4 (60%); ru in 2 with one of its accounts in no operation.
        let e = try run(folder(summary: summary) { id in
            id.hasPrefix("p") ? (Int(id.dropFirst())! <= 6 ? 1 : 4) : id == "r5" ? nil : id.hasPrefix("r") ? 2 : nil
        })
        let prc = try op(e, "prc"), ru = try op(e, "ru")
        #expect(prc.status == "split" && prc.matchedOperation == 1 && prc.matchedShare == 0.6)
        #expect(prc.resultOperations == ["1": 6, "4": 4])
        #expect(prc.offsetStatus == "missed" && prc.reportedOffsetHours == 7)
        #expect(ru.status == "one" && ru.resultOperations == ["2": 4, "none": 1])
        // ru's planted boosting of prc has no reported entry in result operation 2's amplifies list.
        #expect(ru.amplification.first { $0.target == "prc" }?.status == "missed")
        #expect(e.table().contains("split"))
    }

    @Test func twoOperationsInOneResultOperationAreMerged() throws {
        let summary = #"{"operations": [{"id": 1, "verdict": "operation", "utc_offset_hours": 8, "amplifies": []}]}"#
        let e = try run(folder(summary: summary) { $0.hasPrefix("p") || $0.hasPrefix("r") ? 1 : nil })
        let prc = try op(e, "prc"), ru = try op(e, "ru")
        #expect(prc.status == "merged" && prc.mergedWith == ["ru"])
        #expect(ru.status == "merged" && ru.mergedWith == ["prc"] && ru.offsetStatus == "missed")
        // The cross amplification cannot be told apart inside one operation.
        let ofPRC = try #require(ru.amplification.first { $0.target == "prc" })
        #expect(ofPRC.reportedReposts == 0 && ofPRC.status == "missed")
    }

    @Test func unflaggedOrUngroupedOperationsAreNotFound() throws {
        let e = try run(folder(summary: Self.twoFound, operation: { _ in nil }, flagged: { $0.hasPrefix("p") }))
        let prc = try op(e, "prc"), ru = try op(e, "ru")
        #expect(prc.status == "not found" && prc.notes.contains("none of its flagged accounts is in a found operation"))
        #expect(ru.status == "not found" && ru.flagged == 0 && ru.recall == 0)
        #expect(prc.amplification.first?.status == "not evaluated")
    }

    @Test func olderResultsWithoutTheColumnOrTheListSayNotInResults() throws {
        let noColumn = try run(folder(operationColumn: false, summary: Self.twoFound) { _ in 1 })
        let prc = try op(noColumn, "prc")
        #expect(prc.status == "not in results" && prc.recall == 1 && prc.offsetStatus == "not evaluated")
        #expect(noColumn.notes.contains { $0.contains("no operation column") })
        #expect(noColumn.table().contains("not in results"))

        let noList = try run(folder(summary: #"{"narratives": {}}"#) { $0.hasPrefix("p") ? 1 : $0.hasPrefix("r") ? 2 : nil })
        #expect(try op(noList, "prc").status == "one" && op(noList, "prc").offsetStatus == "not evaluated")
        #expect(noList.notes.contains { $0.contains("summary.json has no operations list") })

        let noSummary = try run(folder(summary: nil) { $0.hasPrefix("p") ? 1 : nil })
        #expect(try op(noSummary, "ru").status == "not found")
        _ = noSummary.table()
    }

    @Test func truthWithoutTheOperationColumnCountsTheOperationAsOne() throws {
        let old = Self.truth.replacingOccurrences(of: ",operation\n", with: "\n").replacingOccurrences(of: ",prc\n", with: "\n")
            .replacingOccurrences(of: ",ru\n", with: "\n").replacingOccurrences(of: ",\n", with: "\n")
        let e = try run(folder(summary: Self.twoFound, truth: old) { $0.hasPrefix("p") ? 1 : $0.hasPrefix("r") ? 2 : nil })
        #expect(e.operations.count == 1)
        let only = try #require(e.operations.first)
        #expect(only.accounts == 15 && only.status == "split" && only.matchedOperation == 1)
        #expect(e.notes.contains { $0.contains("truth.csv has no operation column") })
    }
}
