import Foundation
import LockstepCore
import LockstepIngest

// libFuzzer calls `readerFuzzerTestOneInput` once per input; a broken invariant traps, which
// libFuzzer reports with the input. The same invariants as
// Tests/LockstepIngestTests/ReaderFuzzTests.swift, checked in process (libFuzzer itself watches for
// crashes, timeouts and memory).
//
// SwiftPM renames an executable's `main`, so libFuzzer's own `main` is not used: this file's top
// level hands the command line to libFuzzer's driver instead.

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                     _ test: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

/// Where each input is written: the readers take paths.
let scratch: String = {
    let d = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-libfuzzer-\(getpid())").path
    try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    return d
}()

/// `LOCKSTEP_FUZZ_MAPPING=FILE.toml` reads every input as a CSV through that mapping;
/// `LOCKSTEP_FUZZ_EXT` names the input's extension (default `txt`: the format is detected).
let mapping = ProcessInfo.processInfo.environment["LOCKSTEP_FUZZ_MAPPING"]
let ext = ProcessInfo.processInfo.environment["LOCKSTEP_FUZZ_EXT"] ?? "txt"

enum Outcome {
    case loaded(IngestAccounting, posts: Int, accounts: Int)
    case rejected(Rejection)
    case refused
}

func load(_ path: String, strict: Bool, workers: Int) -> Outcome {
    var o = IngestOptions()
    o.strict = strict
    o.workers = workers
    o.mapping = mapping
    do {
        let d = try Ingest.load([path], options: o)
        return .loaded(d.accounting, posts: d.posts.count, accounts: d.accounts.count)
    } catch let r as Rejection {
        return .rejected(r)
    } catch {
        return .refused
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func readerFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = scratch + "/input." + ext
    guard (try? Data(bytes: data, count: size).write(to: URL(fileURLWithPath: path))) != nil else { return 0 }
    let plain = load(path, strict: false, workers: 1)
    switch plain {
    case .rejected(let r):
        fatalError("a plain run stopped at a rejection: \(r)")
    case .refused:
        if case .loaded = load(path, strict: true, workers: 1) { fatalError("--strict loads what a plain run refuses") }
    case .loaded(let acc, let posts, let accounts):
        for f in acc.files where f.rowsRead != f.rowsUsed + f.rejectedTotal {
            fatalError("\(f.file): \(f.rowsRead) rows read, \(f.rowsUsed) used, rejected \(f.rejected)")
        }
        guard case .loaded(let acc3, let posts3, let accounts3) = load(path, strict: false, workers: 3),
              acc3 == acc, posts3 == posts, accounts3 == accounts else { fatalError("3 workers read otherwise than 1") }
        let rowRejections = acc.rejected.filter { $0.key != RejectionReason.duplicatePost.rawValue }.values.reduce(0, +)
        switch load(path, strict: true, workers: 1) {
        case .loaded(let s, _, _): if rowRejections > 0 || s != acc { fatalError("--strict loads although \(rowRejections) row(s) were rejected") }
        case .rejected(let r): if rowRejections == 0 || r.file != path || r.line < 1 { fatalError("--strict stops at \(r) although nothing was rejected") }
        case .refused: fatalError("--strict refuses what a plain run loads")
        }
    }
    return 0
}

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(runFuzzerDriver(&argc, &argv, readerFuzzerTestOneInput))
