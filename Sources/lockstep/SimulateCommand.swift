import ArgumentParser
import Foundation
import LockstepSimulation

/// `lockstep simulate`: write a planted operation mixed into organic traffic, with its ground truth.
struct Simulate: LockstepCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate a data set with a planted operation and its ground truth (truth.csv, scenario.json).",
        discussion: """
            Writes tweets.csv, users.csv and followers.csv in the IO-archive layout, plus truth.csv, scenario.json \
            and watchlist.csv. The same scenario, seed and scale always give the same bytes. \
            Scale 1 is about 330,000 posts (110 MB); --scale multiplies every population (31 gives about ten million). \
            `hard` is troll-factory plus four benign coordinated populations (a fan base, an activist campaign, syndicated \
            news, a live-event crowd) that a detector must not flag; --benign adds them to any scenario. \
            `stealthy` is `hard` with a stealthier factory (bought aged accounts, phones, two shifts six days a week, \
            paraphrased scripts, slow amplification, amplifiers mostly posting filler); `two-offices` is `hard` with a \
            second, Russian-language office at UTC+3 that boosts the diplomats and the first office. \
            --scenario-file runs any combination of knobs (see docs/methodology/simulator.md).
            """)

    @Option(help: "Scenario: \(Scenario.presetNames.joined(separator: ", ")).")
    var scenario: String?

    @Option(help: ArgumentHelp("A scenario's knobs as JSON: the `parameters` object of a scenario.json, or a whole scenario.json.",
                               valueName: "file"))
    var scenarioFile: String?

    @Option(help: "Random seed; the same seed gives identical files (default with --scenario-file: the file's).")
    var seed: UInt64?

    @Option(help: ArgumentHelp("An office's UTC offset in whole hours: HOURS for the first operation, or ID=HOURS (e.g. ru=5); repeatable.",
                               valueName: "offset"))
    var officeOffset: [String] = []

    @Option(help: "Multiplies every population size (small populations keep a floor so every population is planted).")
    var scale: Double = 1

    @Option(help: ArgumentHelp("Add benign coordinated populations: all, or a comma-separated list of \(BenignParameters.names.joined(separator: ", ")).",
                               valueName: "populations"))
    var benign: String?

    @Option(name: .shortAndLong, help: "Folder to write (created if needed).")
    var out: String

    @Flag(name: .shortAndLong, help: "No summary on stderr.")
    var quiet = false

    func validate() throws {
        switch (scenario, scenarioFile) {
        case (nil, nil): throw ValidationError("give --scenario (\(Scenario.presetNames.joined(separator: ", "))) or --scenario-file")
        case (.some, .some): throw ValidationError("give --scenario or --scenario-file, not both")
        case (.some(let name), nil):
            guard Scenario.presetNames.contains(name) else {
                throw ValidationError("--scenario \(name): expected one of \(Scenario.presetNames.joined(separator: ", "))")
            }
            guard seed != nil else { throw ValidationError("--seed is required with --scenario") }
        case (nil, .some): break
        }
        for o in officeOffset where Self.parseOffset(o) == nil {
            throw ValidationError("--office-offset \(o): expected whole hours from -12 to 14, as HOURS or ID=HOURS (e.g. -5 or ru=3)")
        }
        if let benign, Scenario(name: "", seed: 0).addingBenign(benignNames(benign)) == nil {
            throw ValidationError("--benign \(benign): expected all or names from \(BenignParameters.names.joined(separator: ", "))")
        }
        // 1,000 is about 330 million posts: beyond it a run would fill the disk before it ends.
        guard scale > 0, scale <= 1000 else { throw ValidationError("--scale \(scale): expected a number above 0 up to 1000") }
    }

    func execute() throws {
        var s: Scenario
        if let scenarioFile {
            do {
                s = try Scenario.load(from: URL(fileURLWithPath: scenarioFile))
            } catch {
                throw ValidationError("--scenario-file \(scenarioFile): \(error)")
            }
            if let seed { s.seed = seed }
            if scale != 1 { s.scale = scale }
        } else {
            guard let name = scenario, let seed, let preset = Scenario.preset(name, seed: seed, scale: scale) else {
                throw ExitCode.validationFailure
            }
            s = preset
        }
        if let benign {
            guard let added = s.addingBenign(benignNames(benign)) else { throw ExitCode.validationFailure }
            s = added
        }
        for o in officeOffset {
            guard let (id, hours) = Self.parseOffset(o) else { throw ExitCode.validationFailure }
            guard s.setOfficeOffset(hours, operation: id) else {
                let known = [s.operationID] + (s.offices ?? []).map(\.id)
                throw ValidationError("--office-offset \(o): no operation \(id ?? "") in this scenario (it has \(known.joined(separator: ", ")))")
            }
        }
        let report = try Simulation.run(s, to: try OutputFolder.prepare(out))
        guard !quiet else { return }
        var lines = ["\(s.name)\(benign.map { " + benign " + $0 } ?? "") seed \(s.seed) scale \(s.scale): \(report.posts) posts, \(report.accounts) accounts in \(out)"]
        for (name, bytes) in report.fileBytes.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(name)  \(bytes) bytes")
        }
        lines.append(String(format: "  %.2f s generating, %.2f s writing, %.0f posts/s",
                            report.generateSeconds, report.writeSeconds, report.postsPerSecond))
        FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }

    /// `-5`, `+8` or `ru=3`: the operation's id (nil: the first) and whole hours.
    static func parseOffset(_ s: String) -> (String?, Int)? {
        let parts = s.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        let id = parts.count == 2 ? parts[0] : nil
        guard id?.isEmpty != true, let raw = parts.last, let hours = Int(raw.hasPrefix("+") ? String(raw.dropFirst()) : raw),
              (-12...14).contains(hours) else { return nil }
        return (id, hours)
    }

    private func benignNames(_ list: String) -> [String] {
        list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }
}
