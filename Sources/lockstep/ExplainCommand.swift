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
        print(try Explanation.explain(account, results: URL(fileURLWithPath: results)), terminator: "")
    }
}
