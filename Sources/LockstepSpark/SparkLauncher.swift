import Foundation

/// Runs an SQL file on Spark through Spark's own launcher: `spark-submit` of a small generic
/// Python runner (``runnerSource``) that executes the file's statements in one Spark session.
/// The runner knows nothing of Lockstep: every trace lives in the generated SQL.
package struct SparkLauncher: Sendable {
    /// `--master`: `local[2]`, `spark://host:7077`, `yarn`, `k8s://…`.
    package var master: String
    /// `--conf key=value` settings, in order (later ones win, as with spark-submit).
    package var conf: [String]
    /// The `spark-submit` to run; found from `SPARK_HOME` or the installed `pyspark` when nil.
    package var submit: String?

    package init(master: String, conf: [String], submit: String? = nil) {
        self.master = master
        self.conf = conf
        self.submit = submit
    }

    /// The generic runner: statements end with `;` at a line's end; statements that return rows
    /// (`EXPLAIN`, `SELECT`, `SHOW`, `DESCRIBE`) print them, and each statement's time is printed
    /// on a `lockstep-sql ` line.
    package static let runnerSource = #"""
    """Runs a Spark SQL file in one Spark session (written by lockstep; generic, knows no trace).

    Usage: spark-submit run_sql.py FILE.sql [APP_NAME]
    Statements end with ';' at the end of a line. Statements returning rows
    (EXPLAIN, SELECT, SHOW, DESCRIBE) print them to standard output, and each
    statement's time is printed there too, on a line starting 'lockstep-sql '
    (spark-submit hands a Python program's standard error to its own log).
    """
    import re
    import sys
    import time

    from pyspark.sql import SparkSession

    path = sys.argv[1]
    with open(path, encoding="utf-8") as f:
        text = f.read()
    statements = []
    for s in re.split(r";[ \t]*\r?\n", text):
        body = "\n".join(l for l in s.splitlines() if not l.lstrip().startswith("--")).strip()
        if body:
            statements.append(body.rstrip(";"))
    spark = SparkSession.builder.appName(sys.argv[2] if len(sys.argv) > 2 else "sql-file").getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    for i, s in enumerate(statements):
        started = time.time()
        df = spark.sql(s)
        if re.match(r"(?is)\s*(explain|select|show|describe)\b", s):
            for row in df.collect():
                print("\t".join("" if v is None else str(v) for v in row))
        head = s.splitlines()[0][:80]
        print(f"lockstep-sql {i + 1}/{len(statements)} {time.time() - started:.1f} s: {head}", flush=True)
    spark.stop()
    """#

    /// Writes the runner and `sql` into `work`, runs them, and returns the runner's standard output.
    /// Spark's log goes to `work/NAME.log`, the runner's output to `work/NAME.out`; a failure quotes the log's end.
    @discardableResult
    package func run(sql: String, name: String, work: URL, progress: (@Sendable (String) -> Void)? = nil) throws -> String {
        let fm = FileManager.default
        try fm.createDirectory(at: work, withIntermediateDirectories: true)
        let runner = work.appendingPathComponent("run_sql.py")
        let file = work.appendingPathComponent(name + ".sql")
        try Self.runnerSource.write(to: runner, atomically: true, encoding: .utf8)
        try sql.write(to: file, atomically: true, encoding: .utf8)
        let launcher = try submit ?? Self.findSubmit()
        var args = ["--master", master, "--name", "lockstep-" + name,
                    "--conf", "spark.sql.session.timeZone=UTC", "--conf", "spark.ui.showConsoleProgress=false"]
        for c in conf {
            guard let eq = c.firstIndex(of: "="), eq != c.startIndex else {
                throw SparkError(what: "--spark-conf \(c) is not key=value", fix: "write it as e.g. --spark-conf spark.driver.memory=2g")
            }
            args += ["--conf", c]
        }
        args += [runner.path, file.path, "lockstep-" + name]
        let p = Process()
        p.executableURL = URL(fileURLWithPath: launcher)
        p.arguments = args
        // Straight to files, not pipes: Spark's log is long, and nothing here must drain it.
        let logURL = work.appendingPathComponent(name + ".log"), outURL = work.appendingPathComponent(name + ".out")
        _ = fm.createFile(atPath: logURL.path, contents: nil)
        _ = fm.createFile(atPath: outURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL), out = try FileHandle(forWritingTo: outURL)
        defer { try? log.close(); try? out.close() }
        p.standardOutput = out
        p.standardError = log
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch {
            throw SparkError(what: "cannot start \(launcher): \(error)", fix: "install Spark (pip install pyspark) or set SPARK_HOME")
        }
        p.waitUntilExit()
        // Decoded leniently: Spark's log may carry bytes that are not UTF-8.
        let text = String(decoding: (try? Data(contentsOf: logURL)) ?? Data(), as: UTF8.self)
        let output = String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self)
        var rows: [Substring] = []
        for line in output.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("lockstep-sql ") { progress?(String(line.dropFirst("lockstep-sql ".count))) } else { rows.append(line) }
        }
        guard p.terminationStatus == 0 else {
            let tail = text.split(separator: "\n").filter { !$0.hasPrefix("\tat ") }.suffix(12).joined(separator: "\n")
            throw SparkError(what: "spark-submit exited with status \(p.terminationStatus) running \(file.path):\n\(tail)",
                             fix: "see \(logURL.path) for Spark's whole log (Java 17 must be installed; --spark-conf sets memory and other settings)")
        }
        return rows.joined(separator: "\n")
    }

    /// `spark-submit` from `SPARK_HOME`, else beside the installed `pyspark` package, else on `PATH`.
    package static func findSubmit() throws -> String {
        let fm = FileManager.default
        if let home = ProcessInfo.processInfo.environment["SPARK_HOME"], !home.isEmpty {
            let s = home + "/bin/spark-submit"
            if fm.isExecutableFile(atPath: s) { return s }
        }
        for python in ["python3", "python"] {
            if let dir = try? capture(python, ["-c", "import os, pyspark; print(os.path.dirname(pyspark.__file__))"]) {
                let s = dir.trimmingCharacters(in: .whitespacesAndNewlines) + "/bin/spark-submit"
                if fm.isExecutableFile(atPath: s) { return s }
            }
        }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let s = String(dir) + "/spark-submit"
            if fm.isExecutableFile(atPath: s) { return s }
        }
        throw SparkError(what: "no spark-submit found (SPARK_HOME unset, no importable pyspark, none on PATH)",
                         fix: "pip install pyspark (and Java 17), or set SPARK_HOME to a Spark installation")
    }

    /// Whether Spark can be launched here (pyspark or SPARK_HOME, and a Java runtime).
    package static var available: Bool {
        guard (try? findSubmit()) != nil else { return false }
        return (try? capture("java", ["-version"])) != nil
    }

    /// Runs a program found on `PATH` and returns its standard output; throws when it fails.
    static func capture(_ program: String, _ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [program] + args
        // A file rather than a pipe: reading a pipe to its end traps on EINTR.
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-\(UUID().uuidString).out")
        _ = FileManager.default.createFile(atPath: tmp.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: tmp) }
        let out = try FileHandle(forWritingTo: tmp)
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        try? out.close()
        guard p.terminationStatus == 0 else { throw SparkError(what: "\(program) failed", fix: "") }
        return (try? String(contentsOf: tmp, encoding: .utf8)) ?? ""
    }
}
