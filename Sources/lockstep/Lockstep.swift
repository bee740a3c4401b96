import ArgumentParser

@main
struct Lockstep: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lockstep", abstract: "Find and explain coordinated influence operations.",
                                                    subcommands: [Simulate.self, Evaluate.self])
}
