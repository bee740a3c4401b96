import ArgumentParser

@main
struct Lockstep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lockstep",
        abstract: "Find and explain state-backed influence operations in social-media data.",
        discussion: "Start with `lockstep analyze DATA --out results/`, then open results/report.html, summary.json and accounts.csv.",
        version: "0.1.0",
        subcommands: [Analyze.self, Explain.self, ListAnalyses.self, Simulate.self, Evaluate.self, Serve.self, LabelsCommand.self])
}
