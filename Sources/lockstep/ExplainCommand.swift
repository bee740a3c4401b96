import ArgumentParser
import Foundation
import LockstepReport

/// `lockstep explain`: the evidence about one account, in sentences.
struct Explain: LockstepCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain, in sentences, every piece of evidence about one account in a results folder.")

    @Argument(help: "The account id, or its handle (with or without @).")
    var account: String

    @Option(help: "A results folder written by `lockstep analyze`.")
    var results: String

    func execute() throws {
        let a = try Explanation.account(account, results: URL(fileURLWithPath: results))
        print(a.text, terminator: "")
        // What could be read is shown; a damaged folder still exits 66, so that a script never
        // takes an incomplete explanation for a complete one.
        guard a.problems.isEmpty else {
            for p in a.problems { Terminal.err("error: \(p)") }
            throw ExitCode(ExitStatus.noInput)
        }
    }
}
