import Dispatch
import Foundation
import LockstepCore

/// Every analysis Lockstep knows, in the order they run. Add a new analysis here, once.
public enum AnalysisCatalogue {
    public static let all: [any Analysis.Type] = [
        Overview.self,
        Schedule.self, Cadence.self, Clients.self, Personas.self, CreationCohorts.self, Languages.self,
        Coordination.self,
        HijackedAccounts.self,
        FollowerSurges.self,
        Operations.self,
        Findings.self,
        Narratives.self,
    ]

    public static var names: [String] { all.map { $0.name } }

    public static func named(_ name: String) -> (any Analysis.Type)? {
        all.first { $0.name == name }
    }

    /// The selected analyses plus everything they depend on, in catalogue order.
    public static func resolve(_ selection: [String]?) throws -> [any Analysis.Type] {
        guard let selection else { return all }
        var wanted = Set<String>()
        func add(_ name: String) throws {
            guard let a = named(name) else { throw UnknownAnalysis(name: name, known: names) }
            if wanted.insert(name).inserted { for d in a.dependencies { try add(d) } }
        }
        try add(Overview.name)
        for s in selection { try add(s) }
        return all.filter { wanted.contains($0.name) }
    }
}

/// `--analyses` named something the catalogue lacks.
public struct UnknownAnalysis: Error, CustomStringConvertible, Sendable {
    public var name: String
    public var known: [String]
    public var description: String { "unknown analysis '\(name)'; known analyses: \(known.joined(separator: ", "))" }
}

/// One finished run: each analysis's result under its name, in run order.
public struct AnalysisRun: Sendable {
    public var order: [String] = []
    public var context: AnalysisContext
    public var seconds: [String: Double] = [:]
    /// The parameters as given; ``parametersInForce`` adds the defaults.
    public var options = AnalysisOptions()

    /// Every parameter of the analyses that ran, given or default, for `summary.json`.
    public var parametersInForce: [String: [String: String]] {
        var out: [String: [String: String]] = [:]
        for name in order { if let a = AnalysisCatalogue.named(name), !a.parameters.isEmpty { out[name] = options.inForce(a) } }
        return out
    }

    /// A run over results computed elsewhere (tests, or a case file reopened later).
    public init(context: AnalysisContext, order: [String] = []) {
        self.context = context
        self.order = order
    }

    /// Runs the analyses in waves: each wave holds the analyses whose dependencies (and
    /// `runsAfter`) ran in earlier waves, runs them concurrently, and they see those results.
    public static func run(_ analyses: [any Analysis.Type], on dataset: Dataset, options: AnalysisOptions,
                           context: AnalysisContext = AnalysisContext(),
                           progress: (String) -> Void = { _ in }) throws -> AnalysisRun {
        // Debug builds (the tests) check the dataset's structure before any analysis relies on it.
        assert({ if let v = dataset.invariantViolation() { preconditionFailure("dataset invariant: \(v)") }; return true }())
        var run = AnalysisRun(context: context)
        run.options = options
        let selected = Set(analyses.map { $0.name })
        var done = Set<String>()
        var pending = analyses
        // Waves: every analysis whose (hard or soft) predecessors have finished runs in the same
        // wave, on all cores. Results are stored in catalogue order, so nothing depends on timing.
        while !pending.isEmpty {
            let ready = pending.filter { a in (a.dependencies + a.runsAfter).allSatisfy { !selected.contains($0) || done.contains($0) } }
            let wave = ready.isEmpty ? [pending[0]] : ready
            for a in wave { progress(a.name) }
            let slots = Slots<(Result<any AnalysisResult, any Error>, Double)>(wave.count)
            let snapshot = run.context
            let body: @Sendable (Int) -> Void = { k in
                let start = ContinuousClock.now
                let r = Result { try runOne(wave[k], dataset, options, snapshot) }
                let d = ContinuousClock.now - start
                slots[k] = (r, Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
            }
            // Parallel's threads, not concurrentPerform: the analyses' own parallel steps then get a share
            // of the cores instead of running on one (libdispatch runs nested applies serially).
            if wave.count == 1 { body(0) } else { Parallel.forEach(wave.count, body) }
            for (k, a) in wave.enumerated() {
                let (result, seconds) = slots[k]!
                run.context.store(try result.get(), as: a.name)
                run.seconds[a.name] = seconds
                done.insert(a.name)
            }
            pending.removeAll { a in wave.contains { $0.name == a.name } }
        }
        run.order = analyses.map { $0.name }
        return run
    }

    private static func runOne<A: Analysis>(_ type: A.Type, _ dataset: Dataset, _ options: AnalysisOptions,
                                            _ context: AnalysisContext) throws -> any AnalysisResult {
        try A(options: options).run(on: dataset, context: context)
    }

    public func result(named name: String) -> (any AnalysisResult)? { context.anyResult(named: name) }
}

extension AnalysisCatalogue {
    /// Decodes the sections of a `summary.json` back into typed results, by analysis name, so tools
    /// read results through their types rather than by searching text. Per-account arrays are not
    /// in `summary.json` and come back empty; the sections' figures come back whole.
    public static func decodeSections(of summary: Data) throws -> [String: any AnalysisResult] {
        let object = try JSONSerialization.jsonObject(with: summary)
        guard let top = object as? [String: Any] else { return [:] }
        var out: [String: any AnalysisResult] = [:]
        for a in all {
            guard let section = top[a.name] else { continue }
            let data = try JSONSerialization.data(withJSONObject: section)
            out[a.name] = try decodeResult(a, data)
        }
        return out
    }

    private static func decodeResult<A: Analysis>(_ type: A.Type, _ data: Data) throws -> any AnalysisResult {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(A.Result.self, from: data)
    }
}
