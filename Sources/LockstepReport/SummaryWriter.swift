import Foundation
import LockstepAnalysis
import LockstepCore

/// Writes `summary.json`: the input accounting and one section per analysis, keys sorted so that
/// the same input always gives the same bytes.
package enum SummaryWriter {
    package static let formatVersion = 1

    struct Input: Encodable {
        var files: [String]
        var bytes: Int
        var rowsRead: Int
        var rowsUsed: Int
        var rowsRejected: Int
        var rejectedByReason: [String: Int]
        var perFile: [IngestAccounting.FileCount]
        /// The first rejections with their file and line.
        var rejectionExamples: [Rejection]
        /// Files in input folders that were not posts or accounts, and what they are.
        var skippedFiles: [SkippedFile]
        /// Kept rows with a profile field that could not be read (left unknown), by reason.
        var profileProblems: [String: Int]
        /// The first of them with their file and line.
        var profileProblemExamples: [Rejection]
    }

    struct Document: Encodable {
        var input: Input
        var sections: [(String, any AnalysisResult)]
        var analyses: [String]
        var displayTimeZone: String
        var parameters: [String: [String: String]]

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(_ s: String) { stringValue = s }
            init?(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(SummaryWriter.formatVersion, forKey: Key("formatVersion"))
            try c.encode(analyses, forKey: Key("analyses"))
            try c.encode(displayTimeZone, forKey: Key("displayTimeZone"))
            try c.encode(parameters, forKey: Key("parameters"))
            try c.encode(input, forKey: Key("input"))
            for (name, result) in sections { try c.encode(result, forKey: Key(name)) }
        }
    }

    package static func encode(dataset: Dataset, run: AnalysisRun, inputs: [String]) throws -> Data {
        let acc = dataset.accounting
        let doc = Document(
            input: Input(files: inputs, bytes: acc.bytes, rowsRead: acc.rowsRead, rowsUsed: acc.rowsUsed,
                         rowsRejected: acc.rejectedTotal, rejectedByReason: acc.rejected, perFile: acc.files,
                         rejectionExamples: acc.examples, skippedFiles: acc.skipped,
                         profileProblems: acc.profileProblems, profileProblemExamples: acc.profileExamples),
            sections: run.order.compactMap { name in run.result(named: name).map { (name, $0) } },
            analyses: run.order,
            displayTimeZone: run.context.displayOffsetSeconds == 0 ? "UTC" : "UTC" + CivilTime.formatOffset(run.context.displayOffsetSeconds),
            parameters: run.parametersInForce)
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        var data = try enc.encode(doc)
        data.append(0x0A)
        return data
    }

    package static func write(dataset: Dataset, run: AnalysisRun, inputs: [String], to url: URL) throws {
        try encode(dataset: dataset, run: run, inputs: inputs).write(to: url, options: .atomic)
    }
}
