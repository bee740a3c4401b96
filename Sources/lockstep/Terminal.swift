import ArgumentParser
import Foundation
import LockstepAnalysis
import LockstepCore
import LockstepIngest

/// Writing to stderr, and knowing whether it is a terminal.
enum Terminal {
    static func err(_ s: String) {
        FileHandle.standardError.write(Data((s + "\n").utf8))
    }
    static var stderrIsTerminal: Bool { isatty(2) != 0 }
}

/// A one-line progress bar on stderr (bytes, rows, rate), shown only when stderr is a terminal.
final class ProgressBar: @unchecked Sendable {
    private let enabled: Bool
    private let start = Date()
    private var last = Date.distantPast
    private let lock = NSLock()
    private var drawn = false

    init(enabled: Bool) { self.enabled = enabled && Terminal.stderrIsTerminal }

    func update(_ p: IngestProgress) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(last) > 0.1 else { return }
        last = now
        let secs = max(now.timeIntervalSince(start), 1e-3)
        let mb = Double(p.bytesDone) / 1e6
        let frac = p.bytesTotal > 0 ? min(1, Double(p.bytesDone) / Double(p.bytesTotal)) : 0
        let width = 30
        let filled = Int(frac * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let line = String(format: "\r[%@] %3.0f%% %.0f MB, %d rows, %.0f MB/s ", bar, frac * 100, mb, p.rows, mb / secs)
        FileHandle.standardError.write(Data(line.utf8))
        drawn = true
    }

    func finish() {
        guard enabled, drawn else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
