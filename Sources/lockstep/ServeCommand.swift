import ArgumentParser
import Dispatch
import Foundation
import LockstepServe

/// `lockstep serve DIR`: the local web workspace over DIR/case.sqlite (docs/serve.md).
struct Serve: LockstepCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open a results folder's case in a local web workspace: search accounts, read the evidence, label.",
        discussion: """
            Prints the URL it serves on as the first line of standard output. Binds 127.0.0.1 unless --host says \
            otherwise; beyond loopback every request needs the access token in the printed URL (docs/serve.md).
            """)

    @Argument(help: "Results folder of `lockstep analyze` (holds case.sqlite).")
    var directory: String

    @Option(help: "Address to listen on; anything but loopback requires the printed access token.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port).")
    var port = 8017

    func execute() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port \(port): expected 0 to 65535") }
        let workspace = try Workspace(directory: URL(fileURLWithPath: directory), requireToken: !Workspace.isLoopback(host))
        let failure = FailureBox()
        let done = DispatchSemaphore(value: 0)
        let host = host, port = port
        Task {
            do {
                try await workspace.run(host: host, port: port) { url in
                    // Written straight to the descriptor: a script waiting for this line must not wait on a buffer.
                    FileHandle.standardOutput.write(Data((url + "\n").utf8))
                    if workspace.token != nil {
                        Terminal.err("bound beyond loopback: every request needs the token above (it is set as a cookie once the URL is opened)")
                    }
                }
            } catch {
                failure.error = "cannot serve on \(host):\(port): \(error)"
            }
            done.signal()
        }
        done.wait()
        if let e = failure.error { throw OutputError(path: "\(host):\(port)", why: e) }
    }
}

/// Carries a server failure out of its task to the command's error boundary.
private final class FailureBox: @unchecked Sendable {
    // Written by the server task before it signals, read after the wait: never at the same time.
    var error: String?
}
