import ArgumentParser
import Foundation
import LockstepAnalysis
import LockstepCase
import LockstepCore
import LockstepIngest
import LockstepReport
import LockstepSimulation
import LockstepSpark

/// A subcommand whose errors all go through ``CommandErrors``: it implements `execute()`, and
/// `run()` is the one error boundary, so every subcommand answers with the same exit statuses.
protocol LockstepCommand: ParsableCommand {
    func execute() throws
}

extension LockstepCommand {
    func run() throws { try CommandErrors.report { try execute() } }
}

/// Exit statuses (README, "Exit statuses"): the sysexits values, so scripts can tell them apart.
enum ExitStatus {
    static let usage: Int32 = 64
    static let dataError: Int32 = 65
    static let noInput: Int32 = 66
    /// EX_UNAVAILABLE: a service the command needs (Spark) could not be launched or failed.
    static let unavailable: Int32 = 69
    static let software: Int32 = 70
    static let cannotCreate: Int32 = 73
}

/// The results (or simulation) folder could not be made or written.
struct OutputError: Error, CustomStringConvertible {
    var path: String
    var why: String
    var description: String { "cannot write to \(path): \(why); choose another folder with --out" }
}

/// Turns every error into one message with a location and a fix, and an exit status, in one place.
enum CommandErrors {
    static func report(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let e as Rejection {
            fail("\(e)\n(--strict stops at the first thing it cannot read; without it such rows are skipped, or kept without an unreadable profile field, and counted in summary.json)", ExitStatus.dataError)
        } catch let e as OptionError {
            fail("\(e) (see `lockstep analyses` for parameters and defaults)", ExitStatus.usage)
        } catch let e as CocoaError {
            // Foundation's file errors: name the file and say whether it was reading or writing.
            let path = (e.userInfo[NSFilePathErrorKey] as? String) ?? e.filePath ?? "a file"
            let reason = (e.userInfo[NSUnderlyingErrorKey] as? NSError)?.localizedDescription ?? e.localizedDescription
            if (512...642).contains(e.code.rawValue) {
                fail("cannot write \(path): \(reason)", ExitStatus.cannotCreate)
            }
            fail("cannot read \(path): \(reason)", ExitStatus.noInput)
        } catch let e as ExitCode {
            throw e
        } catch let e as CleanExit {
            throw e
        } catch let e as ValidationError {
            throw e
        } catch {
            if let status = statusByType[ObjectIdentifier(type(of: error))] { fail("\(error)", status) }
            // Not an expected failure: say so plainly rather than dump the error's internals.
            fail("internal error: \(error) — please report it with the command that caused it", ExitStatus.software)
        }
    }

    /// Failures whose own description says what and where: their exit status.
    static let statusByType: [ObjectIdentifier: Int32] = [
        ObjectIdentifier(IngestError.self): ExitStatus.noInput,
        ObjectIdentifier(WatchlistError.self): ExitStatus.noInput,
        ObjectIdentifier(Explanation.NotFound.self): ExitStatus.noInput,
        ObjectIdentifier(Explanation.MissingResults.self): ExitStatus.noInput,
        ObjectIdentifier(Explanation.Problem.self): ExitStatus.noInput,
        ObjectIdentifier(Evaluation.InputError.self): ExitStatus.noInput,
        ObjectIdentifier(UnknownParameter.self): ExitStatus.usage,
        ObjectIdentifier(UnknownAnalysis.self): ExitStatus.usage,
        ObjectIdentifier(OutputError.self): ExitStatus.cannotCreate,
        ObjectIdentifier(CaseError.self): ExitStatus.noInput,
        ObjectIdentifier(SparkError.self): ExitStatus.unavailable,
    ]

    static func fail(_ message: String, _ status: Int32) -> Never {
        Terminal.err("error: " + message)
        Foundation.exit(status)
    }
}

/// Makes the folder results are written to, or says why it cannot be, before any work is done.
enum OutputFolder {
    static func prepare(_ path: String) throws -> URL {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw OutputError(path: path, why: "it is a file, not a folder") }
        } else {
            do {
                try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            } catch {
                throw OutputError(path: path, why: "the folder cannot be created (\(Self.obstacle(url)))")
            }
        }
        guard access(url.path, W_OK | X_OK) == 0 else { throw OutputError(path: path, why: "the folder is not writable") }
        return url
    }

    /// Why a folder cannot be created: the nearest existing ancestor is a file or is not writable.
    static func obstacle(_ url: URL) -> String {
        var parent = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        while !FileManager.default.fileExists(atPath: parent.path, isDirectory: &isDirectory), parent.path != "/" {
            parent = parent.deletingLastPathComponent()
        }
        if !isDirectory.boolValue { return "\(parent.path) is a file" }
        return "\(parent.path) does not allow new folders"
    }

    static func reason(_ error: any Error) -> String {
        ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError)?.localizedDescription ?? (error as NSError).localizedDescription
    }
}
