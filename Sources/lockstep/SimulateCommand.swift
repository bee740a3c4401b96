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
            news, a live-event crowd) that a detector must not flag; --benign adds them to any scenario.
            """)

    @Option(help: "Scenario: \(Scenario.presetNames.joined(separator: ", ")).")
    var scenario: String

    @Option(help: "Random seed; the same seed gives identical files.")
    var seed: UInt64

    @Option(help: "Multiplies every population size (small populations keep a floor so every population is planted).")
    var scale: Double = 1

    @Option(help: ArgumentHelp("Add benign coordinated populations: all, or a comma-separated list of \(BenignParameters.names.joined(separator: ", ")).",
                               valueName: "populations"))
    var benign: String?

    @Flag(help: "Add the impact plants (bought likes, paid influencers, state-media hashtags the operation adopts; truth in truth_impact.csv).")
    var impact = false

    @Option(name: .shortAndLong, help: "Folder to write (created if needed).")
    var out: String

    @Flag(name: .shortAndLong, help: "No summary on stderr.")
    var quiet = false

    func validate() throws {
        guard Scenario.presetNames.contains(scenario) else {
            throw ValidationError("--scenario \(scenario): expected one of \(Scenario.presetNames.joined(separator: ", "))")
        }
        if let benign, Scenario(name: "", seed: 0).addingBenign(benignNames(benign)) == nil {
            throw ValidationError("--benign \(benign): expected all or names from \(BenignParameters.names.joined(separator: ", "))")
        }
        // 1,000 is about 330 million posts: beyond it a run would fill the disk before it ends.
        guard scale > 0, scale <= 1000 else { throw ValidationError("--scale \(scale): expected a number above 0 up to 1000") }
    }

    func execute() throws {
        guard var s = Scenario.preset(scenario, seed: seed, scale: scale) else { throw ExitCode.validationFailure }
        if let benign {
            guard let added = s.addingBenign(benignNames(benign)) else { throw ExitCode.validationFailure }
            s = added
        }
        if impact { s.impact = ImpactParameters() }
        let report = try Simulation.run(s, to: try OutputFolder.prepare(out))
        guard !quiet else { return }
        var lines = ["\(scenario)\(benign.map { " + benign " + $0 } ?? "") seed \(seed) scale \(scale): \(report.posts) posts, \(report.accounts) accounts in \(out)"]
        for (name, bytes) in report.fileBytes.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(name)  \(bytes) bytes")
        }
        lines.append(String(format: "  %.2f s generating, %.2f s writing, %.0f posts/s",
                            report.generateSeconds, report.writeSeconds, report.postsPerSecond))
        FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }

    private func benignNames(_ list: String) -> [String] {
        list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }
}
