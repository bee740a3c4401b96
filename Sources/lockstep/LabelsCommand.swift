import ArgumentParser
import Foundation
import LockstepCase

/// `lockstep labels export|import`: analysts' labels as CSV, to move them between cases.
struct LabelsCommand: LockstepCommand {
    static let configuration = CommandConfiguration(
        commandName: "labels",
        abstract: "Export or import analysts' labels (CSV: target_kind,target_id,verdict,note,author,created_at).",
        discussion: """
            lockstep labels export DIR [--to FILE]   every label of DIR/case.sqlite, history included (standard output without --to)
            lockstep labels import DIR FILE          adds the labels of FILE not already in the case
            A labels export is also a truth file for `lockstep evaluate --truth`.
            """)

    @Argument(help: "export or import.")
    var action: String

    @Argument(help: "Results folder holding case.sqlite.")
    var directory: String

    @Argument(help: "For import: the labels CSV to read.")
    var file: String?

    @Option(help: "For export: write to this file instead of standard output.")
    var to: String?

    func execute() throws {
        let url = CaseFile.url(in: URL(fileURLWithPath: directory))
        switch action {
        case "export":
            let db = try CaseFile.open(url)
            let text = Labels.exportCSV(try db.read { try Labels.all(in: $0) })
            if let to {
                do { try Data(text.utf8).write(to: URL(fileURLWithPath: to), options: .atomic) } catch {
                    throw OutputError(path: to, why: OutputFolder.reason(error))
                }
            } else {
                print(text, terminator: "")
            }
        case "import":
            guard let file else { throw ValidationError("labels import: name the CSV to read, e.g. `lockstep labels import results/ labels.csv`") }
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CaseError(path: file, what: "cannot be read", fix: "check the path (a file written by `lockstep labels export`)")
            }
            let labels = try Labels.parseCSV(String(decoding: data, as: UTF8.self), file: file)
            let db = try CaseFile.open(url)
            let added = try db.write { try Labels.importLabels(labels, into: $0) }
            Terminal.err("imported \(added) label(s) into \(url.path) (\(labels.count - added) already there)")
        default:
            throw ValidationError("labels \(action): expected export or import")
        }
    }
}
