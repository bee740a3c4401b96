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
public protocol AnalysisResult: Codable, Sendable {
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

/// Shared state for one run: earlier results, extra inputs, and display settings.
public struct AnalysisContext: Sendable {
    private var results: [String: any AnalysisResult] = [:]
    /// Offset, in seconds east of UTC, used when showing times to people (`--tz`).
    public var displayOffsetSeconds: Int = 0
    /// Labelled accounts and domains (`--watchlist FILE`), for amplification shares.
    public var watchlist: Watchlist?
    /// Follower lists read from `--followers` files, for the follower-surge analysis.
    public var followers: FollowerLists?
    /// Co-action pair figures another engine computed (`--engine spark`), used by coordination in
    /// place of its own sweep for the traces and settings they cover.
    package var coActionPairs: (any CoActionPairSource)?

    public init() {}

    /// The result of an analysis that already ran in this run, if any.
    public func result<A: Analysis>(of type: A.Type) -> A.Result? {
        results[A.name] as? A.Result
    }

    public func anyResult(named name: String) -> (any AnalysisResult)? { results[name] }

    public mutating func store(_ result: any AnalysisResult, as name: String) { results[name] = result }
}
