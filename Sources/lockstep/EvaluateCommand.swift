import ArgumentParser
import Foundation
import LockstepCase
import LockstepSimulation

/// `lockstep evaluate`: score an `analyze` run against a simulation's ground truth.
struct Evaluate: LockstepCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score an analyze run against the ground truth of `lockstep simulate`.",
        discussion: """
            Reads accounts.csv (and summary.json, follower_surges.csv if present) from the results folder. \
            Prints precision, recall and F1 of `flagged`, per-population rates (false positives per benign population \
            and organic), the role confusion matrix, which planted facts were found and, per planted operation \
            (truth.csv's operation column), its recall and roles, whether it came out as one result operation \
            (accounts.csv's operation column; not split, not merged), its office offset and the amplification between \
            operations (summary.json's operations); writes the same as JSON (see docs/evaluate.md).
            """)

    @Option(help: "truth.csv written by `lockstep simulate`, or a labels export (`lockstep labels export`): confirmed accounts are positives, dismissed ones negatives.")
    var truth: String

    @Option(help: "Results folder of `lockstep analyze` (holds accounts.csv).")
    var results: String

    @Option(help: "scenario.json written by `lockstep simulate` (planted facts); default: next to the truth file, if there.")
    var scenario: String?

    @Option(help: "Where to write the JSON (default: evaluation.json in the results folder).")
    var json: String?

    func execute() throws {
        let truthURL = URL(fileURLWithPath: truth)
        var scenarioURL = scenario.map { URL(fileURLWithPath: $0) }
        // A labels export: analysts' current verdicts become the truth (docs/case.md, "Labels as truth").
        if let data = FileManager.default.contents(atPath: truth), Self.isLabelsExport(data) {
            let labels = try Labels.parseCSV(String(decoding: data, as: UTF8.self), file: truth)
            let converted = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-labels-truth-\(getpid()).csv")
            try Data(Labels.truthCSV(labels).utf8).write(to: converted)
            defer { try? FileManager.default.removeItem(at: converted) }
            let evaluation = try Evaluation.run(truth: converted, results: URL(fileURLWithPath: results), scenario: scenarioURL)
            try finish(evaluation, truthLabel: truth)
            return
        }
        if scenarioURL == nil {
            let sibling = truthURL.deletingLastPathComponent().appendingPathComponent("scenario.json")
            if FileManager.default.fileExists(atPath: sibling.path) { scenarioURL = sibling }
        }
        let evaluation = try Evaluation.run(truth: truthURL, results: URL(fileURLWithPath: results), scenario: scenarioURL)
        try finish(evaluation, truthLabel: nil)
    }

    static func isLabelsExport(_ data: Data) -> Bool {
        let firstLine = String(decoding: data.prefix(200), as: UTF8.self).split(whereSeparator: \.isNewline).first ?? ""
        let columns = firstLine.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return columns.contains("verdict") && !columns.contains("population")
    }

    func finish(_ evaluation: Evaluation, truthLabel: String?) throws {
        var evaluation = evaluation
        // The converted file is temporary: name the labels export the user gave.
        if let truthLabel { evaluation.truthFile = truthLabel }
        print(evaluation.table(), terminator: "")
        let out = json.map { URL(fileURLWithPath: $0) } ?? URL(fileURLWithPath: results).appendingPathComponent("evaluation.json")
        do {
            try evaluation.json().write(to: out, options: .atomic)
        } catch {
            throw OutputError(path: out.path, why: OutputFolder.reason(error))
        }
        FileHandle.standardError.write(Data("wrote \(out.path)\n".utf8))
    }
}
