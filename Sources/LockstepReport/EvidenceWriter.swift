import Foundation
import LockstepAnalysis
import LockstepCore

/// Writes `evidence.jsonl`: one flagged account a line, highest score first, with every piece of
/// evidence and its strongest partners — what `lockstep explain` and a case file read back.
package enum EvidenceWriter: ArtifactWriter {
    package static func write(dataset: Dataset, run: AnalysisRun, directory: URL) throws -> [String] {
        guard let f = run.context.result(of: Findings.self) else { return [] }
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var out = Data()
        for a in f.accounts {
            out.append(try enc.encode(a))
            out.append(0x0A)
        }
        try out.write(to: directory.appendingPathComponent("evidence.jsonl"), options: .atomic)
        return ["evidence.jsonl"]
    }

    /// Reads one account's line back (by account id), or nil.
    package static func read(account: String, in directory: URL) -> Findings.AccountFinding? {
        // The id is also on the lines of the accounts it is a partner of: the record's own field decides.
        EvidenceFile.record(of: account, in: directory).0
    }
}

extension JSONEncoder {
    /// A string as JSONEncoder writes it inside quotes (without the quotes).
    static func escapedString(_ s: String) -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.withoutEscapingSlashes]
        let d = (try? enc.encode(s)) ?? Data()
        return String(decoding: d.dropFirst().dropLast(), as: UTF8.self)
    }
}
