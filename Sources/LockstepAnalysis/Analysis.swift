import LockstepCore

/// One analysis: a pure function from a dataset (and earlier analyses' results) to a result.
///
/// Each analysis lives in its own file under `Analyses/` and is listed once in
/// ``AnalysisCatalogue``, from which `lockstep analyses`, `--analyses` and the docs index come.
public protocol Analysis: Sendable {
    associatedtype Result: AnalysisResult
    /// Stable name: the `--analyses` value and the `summary.json` section.
    static var name: String { get }
    /// One line for `lockstep analyses`.
    static var summary: String { get }
    /// Tunable parameters with defaults, set with `--set name.param=value`.
    static var parameters: [ParameterSpec] { get }
    /// Analyses whose results this one needs (selected with it, run first).
    static var dependencies: [String] { get }
    /// Analyses whose results this one uses when they run too (run first only when selected).
    static var runsAfter: [String] { get }
    /// Reads and validates parameters; throws ``OptionError`` on a bad value.
    init(options: AnalysisOptions) throws
    func run(on dataset: Dataset, context: AnalysisContext) throws -> Result
}

extension Analysis {
    public static var parameters: [ParameterSpec] { [] }
    public static var dependencies: [String] { [] }
    public static var runsAfter: [String] { [] }
}

/// What an analysis produces: a `summary.json` section, and optionally per-account columns and reasons.
public protocol AnalysisResult: Encodable, Sendable {
    /// Columns for `accounts.csv`, each with one value per account id (`""` when blank).
    func accountColumns(_ dataset: Dataset) -> [AccountColumn]
    /// Stable reason codes per account id (`coretweet_cluster`, `zero_followers`, ...).
    func accountReasons(_ dataset: Dataset) -> [Int32: [String]]
}

extension AnalysisResult {
    public func accountColumns(_ dataset: Dataset) -> [AccountColumn] { [] }
    public func accountReasons(_ dataset: Dataset) -> [Int32: [String]] { [:] }
}

/// A column of `accounts.csv` contributed by an analysis.
public struct AccountColumn: Sendable {
    public var name: String
    /// Indexed by account id; `""` leaves the cell empty.
    public var values: [String]
    public init(name: String, values: [String]) {
        self.name = name
        self.values = values
    }
}

/// A tunable parameter and its default, for help text and docs.
public struct ParameterSpec: Sendable, Codable {
    public var name: String
    public var defaultValue: String
    public var help: String
    public init(_ name: String, default defaultValue: String, _ help: String) {
        self.name = name
        self.defaultValue = defaultValue
        self.help = help
    }
}

/// A bad parameter value, with what was expected.
public struct OptionError: Error, CustomStringConvertible, Sendable {
    public var key: String
    public var value: String
    public var expected: String
    public var description: String { "invalid value '\(value)' for '\(key)': expected \(expected)" }
}

/// Parameter values as given on the command line: `analysis.param` keys, or bare shared keys (`tz`).
public struct AnalysisOptions: Sendable {
    public var values: [String: String]
    public init(_ values: [String: String] = [:]) { self.values = values }

    /// The raw value for `analysis.param`, falling back to a bare `param` shared by several analyses.
    public func raw(_ analysis: String, _ param: String) -> String? {
        values["\(analysis).\(param)"] ?? values[param]
    }

    public func string(_ analysis: String, _ param: String, default d: String) -> String {
        raw(analysis, param) ?? d
    }

    public func double(_ analysis: String, _ param: String, default d: Double) throws -> Double {
        guard let s = raw(analysis, param) else { return d }
        guard let v = Double(s), v.isFinite else { throw OptionError(key: "\(analysis).\(param)", value: s, expected: "a number") }
        return v
    }

    public func int(_ analysis: String, _ param: String, default d: Int) throws -> Int {
        guard let s = raw(analysis, param) else { return d }
        guard let v = Int(s) else { throw OptionError(key: "\(analysis).\(param)", value: s, expected: "a whole number") }
        return v
    }

    /// A duration such as `60s`, `5m`, `2h`, `1d` or plain seconds.
    public func seconds(_ analysis: String, _ param: String, default d: Int64) throws -> Int64 {
        guard let s = raw(analysis, param) else { return d }
        guard let v = Self.parseDuration(s) else {
            throw OptionError(key: "\(analysis).\(param)", value: s, expected: "a duration such as 60s, 5m, 2h or 1d")
        }
        return v
    }

    public static func parseDuration(_ s: String) -> Int64? {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        guard let last = s.last else { return nil }
        if let u = units[last], let n = Double(s.dropLast()), n >= 0 { return Int64((n * Double(u)).rounded()) }
        if let n = Int64(s), n >= 0 { return n }
        return nil
    }
}

/// Shared state for one run: earlier results, extra inputs, and display settings.
public struct AnalysisContext: Sendable {
    private var results: [String: any AnalysisResult] = [:]
    /// Offset, in seconds east of UTC, used when showing times to people (`--tz`).
    public var displayOffsetSeconds: Int = 0
    /// Labelled accounts and domains (`--watchlist FILE`), for amplification shares.
    public var watchlist: Watchlist?
    /// Follower lists read from `--followers` files, for the follower-surge analysis.
    public var followers: FollowerLists?

    public init() {}

    /// The result of an analysis that already ran in this run, if any.
    public func result<A: Analysis>(of type: A.Type) -> A.Result? {
        results[A.name] as? A.Result
    }

    public func anyResult(named name: String) -> (any AnalysisResult)? { results[name] }

    public mutating func store(_ result: any AnalysisResult, as name: String) { results[name] = result }
}
