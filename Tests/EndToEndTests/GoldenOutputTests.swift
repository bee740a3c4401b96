import Foundation
import Testing

/// Every output file of `analyze`, byte for byte, on the shipped example and on every folder of
/// `../shared/data`, against fingerprints recorded in `Tests/Golden/outputs.txt`.
///
/// Refactoring must not change a byte; a change of behaviour shows up here as the list of files
/// it changed, and is re-recorded on purpose with `LOCKSTEP_RECORD_GOLDEN=1 swift test --filter GoldenOutputTests`
/// (then the diff of `outputs.txt` is reviewed with the change).
@Suite struct GoldenOutputTests {
    /// One recorded run: a name, the folder it runs in (so paths in the outputs are relative), its arguments.
    struct Case: CustomStringConvertible, Sendable {
        var name: String
        var directory: URL?
        var arguments: [String]
        var description: String { name }
    }

    static let goldenFile = repoRoot.appendingPathComponent("Tests/Golden/outputs.txt")
    static let recording = ProcessInfo.processInfo.environment["LOCKSTEP_RECORD_GOLDEN"] == "1"

    static let cases: [Case] = {
        var c = [
            Case(name: "troll-factory", directory: repoRoot, arguments: ["Examples/troll-factory"]),
            Case(name: "troll-factory-tz", directory: repoRoot, arguments: ["Examples/troll-factory", "--tz", "Asia/Shanghai"]),
        ]
        if let shared = sharedData {
            for folder in ["io-archive-china-082019", "ira-538-sample", "twarc2-samples"] {
                c.append(Case(name: folder, directory: shared.deletingLastPathComponent(), arguments: ["data/\(folder)"]))
            }
        }
        return c
    }()

    @Test(arguments: cases)
    func outputsAreByteIdenticalToTheRecordedRun(_ c: Case) throws {
        let out = tempDir()
        let r = try Binary.run(["analyze"] + c.arguments + ["--out", out.path, "--quiet"], in: c.directory)
        try #require(r.status == 0, "stderr: \(r.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        var lines: [String] = []
        for f in files {
            let data = try Data(contentsOf: out.appendingPathComponent(f))
            // The output folder's own path may appear in a file; it is a temporary name, not content.
            let normalised = Data(String(decoding: data, as: UTF8.self).replacingOccurrences(of: out.path, with: "OUT").utf8)
            lines.append("\(c.name)/\(f) \(normalised.count) \(Self.fingerprint(normalised))")
        }
        if Self.recording {
            try Self.record(c.name, lines)
            return
        }
        let recorded = try Self.recorded(c.name)
        try #require(!recorded.isEmpty, "no recorded outputs for \(c.name): run with LOCKSTEP_RECORD_GOLDEN=1 once")
        for line in lines where !recorded.contains(line) {
            Issue.record("changed: \(line) (recorded: \(recorded.first { $0.hasPrefix(line.prefix { $0 != " " } + " ") } ?? "absent"))")
        }
        for line in recorded where !lines.contains(line) && !lines.contains(where: { $0.hasPrefix(line.prefix { $0 != " " } + " ") }) {
            Issue.record("no longer written: \(line)")
        }
    }

    /// FNV-1a, 64 bits: a fingerprint, not a defence against forgery.
    static func fingerprint(_ data: Data) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in data { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return String(h, radix: 16)
    }

    static func recorded(_ name: String) throws -> [String] {
        guard let text = try? String(contentsOf: goldenFile, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map(String.init).filter { $0.hasPrefix(name + "/") }
    }

    /// Cases run in parallel: the file is rewritten under a lock, each case replacing its own lines.
    static let lock = NSLock()
    static func record(_ name: String, _ lines: [String]) throws {
        lock.lock(); defer { lock.unlock() }
        let old = (try? String(contentsOf: goldenFile, encoding: .utf8)) ?? ""
        let kept = old.split(separator: "\n").map(String.init).filter { !$0.hasPrefix(name + "/") }
        try FileManager.default.createDirectory(at: goldenFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        try ((kept + lines).sorted().joined(separator: "\n") + "\n").write(to: goldenFile, atomically: true, encoding: .utf8)
    }
}
