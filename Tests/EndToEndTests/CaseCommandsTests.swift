import Foundation
import Testing

/// `analyze` writes the case; `labels export|import` carry labels between cases; `evaluate --truth`
/// takes a labels export; `serve` prints its URL first. The built binary, on the example.
@Suite struct CaseCommandsTests {
    static let labels = """
        target_kind,target_id,verdict,note,author,created_at
        account,35908873,confirmed,"seen, twice",ana,2026-01-01T00:00:00Z
        account,1141633349987702027,dismissed,,bo,2026-01-02T00:00:00Z
        cluster,1,unsure,,bo,2026-01-02T00:00:00Z

        """

    @Test func labelsTravelAndMeasureTheDetector() throws {
        let d = tempDir()
        let example = repoRoot.appendingPathComponent("Examples/troll-factory").path
        let a = d.appendingPathComponent("a").path, b = d.appendingPathComponent("b").path
        for out in [a, b] {
            let r = try Binary.run(["analyze", example, "--out", out, "-q"])
            try #require(r.status == 0, "stderr: \(r.stderr)")
            #expect(FileManager.default.fileExists(atPath: out + "/case.sqlite"))
        }
        let file = d.appendingPathComponent("labels.csv")
        try Self.labels.write(to: file, atomically: true, encoding: .utf8)
        #expect(try Binary.run(["labels", "import", a, file.path]).status == 0)
        // A re-run keeps them; the export carries them to the other case byte for byte.
        #expect(try Binary.run(["analyze", example, "--out", a, "-q"]).status == 0)
        let exported = try Binary.run(["labels", "export", a])
        #expect(exported.stdout == Self.labels)
        let again = d.appendingPathComponent("again.csv")
        try exported.stdout.write(to: again, atomically: true, encoding: .utf8)
        #expect(try Binary.run(["labels", "import", b, again.path]).status == 0)
        #expect(try Binary.run(["labels", "export", b]).stdout == Self.labels)
        // Confirmed and flagged: a true positive; dismissed and flagged: a false positive.
        let e = try Binary.run(["evaluate", "--truth", file.path, "--results", a])
        #expect(e.status == 0, "stderr: \(e.stderr)")
        #expect(e.stdout.contains("TP 1  FP 1  FN 0  TN 0"), "\(e.stdout)")
        let bad = d.appendingPathComponent("bad.csv")
        try "target_id,verdict\n1,maybe\n".write(to: bad, atomically: true, encoding: .utf8)
        let refused = try Binary.run(["labels", "import", b, bad.path])
        #expect(refused.status == 66 && refused.stderr.contains("bad.csv:2"))
    }
}
