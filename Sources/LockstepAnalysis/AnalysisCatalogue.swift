import LockstepCore

/// Every analysis Lockstep knows, in the order they run. Add a new analysis here, once.
public enum AnalysisCatalogue {
    public static let all: [any Analysis.Type] = [
        Overview.self,
        Schedule.self, Cadence.self, Clients.self, Personas.self, CreationCohorts.self, Languages.self,
        Coordination.self,
        HijackedAccounts.self,
        FollowerSurges.self,
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

    /// A run over results computed elsewhere (tests, or a case file reopened later).
    public init(context: AnalysisContext, order: [String] = []) {
        self.context = context
        self.order = order
    }

    /// Runs the analyses in order, each seeing the results of those before it.
    public static func run(_ analyses: [any Analysis.Type], on dataset: Dataset, options: AnalysisOptions,
                           context: AnalysisContext = AnalysisContext(),
                           progress: (String) -> Void = { _ in }) throws -> AnalysisRun {
        var run = AnalysisRun(context: context)
        for type in analyses {
            progress(type.name)
            let start = ContinuousClock.now
            let result = try runOne(type, dataset, options, run.context)
            run.context.store(result, as: type.name)
            run.order.append(type.name)
            let d = ContinuousClock.now - start
            run.seconds[type.name] = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
        return run
    }

    private static func runOne<A: Analysis>(_ type: A.Type, _ dataset: Dataset, _ options: AnalysisOptions,
                                            _ context: AnalysisContext) throws -> any AnalysisResult {
        try A(options: options).run(on: dataset, context: context)
    }

    public func result(named name: String) -> (any AnalysisResult)? { context.anyResult(named: name) }
}
