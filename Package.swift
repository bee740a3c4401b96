// swift-tools-version: 6.0
import PackageDescription

// Targets follow the pipeline; each depends only on the ones below it:
// LockstepCore <- LockstepIngest <- LockstepAnalysis <- LockstepReport <- lockstep (CLI glue).
let package = Package(
    name: "Lockstep",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "lockstep", targets: ["lockstep"]),
        .library(name: "LockstepCore", targets: ["LockstepCore"]),
        .library(name: "LockstepIngest", targets: ["LockstepIngest"]),
        .library(name: "LockstepAnalysis", targets: ["LockstepAnalysis"]),
        .library(name: "LockstepReport", targets: ["LockstepReport"]),
        .library(name: "LockstepSimulation", targets: ["LockstepSimulation"]),
        .library(name: "LockstepCase", targets: ["LockstepCase"]),
        .library(name: "LockstepServe", targets: ["LockstepServe"]),
        .library(name: "LockstepSpark", targets: ["LockstepSpark"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        // A prefetch hint for the merge's hash lookups (C: Swift cannot issue one).
        .target(name: "CMemoryHints"),
        .target(name: "LockstepCore", dependencies: ["CMemoryHints"]),
        .target(name: "LockstepIngest", dependencies: ["LockstepCore", "CZlib"]),
        .target(name: "LockstepAnalysis", dependencies: ["LockstepCore"]),
        // Mustache: report.html renders the sections it shares with the workspace from the same templates.
        .target(name: "LockstepReport", dependencies: [
            "LockstepCore", "LockstepIngest", "LockstepAnalysis",
            .product(name: "Mustache", package: "swift-mustache"),
        ]),
        .target(name: "LockstepSimulation", dependencies: ["LockstepCore"]),
        // The case file: a run's results, the posts behind them and analysts' labels in one SQLite file.
        .target(name: "LockstepCase", dependencies: [
            "LockstepCore", "LockstepAnalysis", "LockstepReport",
            .product(name: "GRDB", package: "GRDB.swift"),
            // The C API itself, for binding bytes straight from the dataset's arenas in bulk inserts.
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
        ]),
        // `lockstep serve`: the local web workspace over a case file.
        .target(name: "LockstepServe", dependencies: [
            "LockstepCase", "LockstepAnalysis", "LockstepReport",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // `--engine spark`: co-action traces compiled to Spark SQL, run by spark-submit, read back.
        .target(name: "LockstepSpark", dependencies: ["LockstepCore", "LockstepIngest", "LockstepAnalysis"]),
        .executableTarget(
            name: "lockstep",
            dependencies: [
                "LockstepCore", "LockstepIngest", "LockstepAnalysis", "LockstepReport", "LockstepSimulation",
                "LockstepCase", "LockstepServe", "LockstepSpark",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(name: "LockstepCoreTests", dependencies: ["LockstepCore"]),
        .testTarget(name: "LockstepIngestTests", dependencies: ["LockstepIngest"], exclude: ["Fixtures"]),
        .testTarget(name: "LockstepAnalysisTests", dependencies: ["LockstepAnalysis", "LockstepIngest"]),
        .testTarget(name: "LockstepReportTests", dependencies: ["LockstepReport"]),
        .testTarget(name: "LockstepSimulationTests", dependencies: ["LockstepSimulation"]),
        .testTarget(name: "EndToEndTests", dependencies: ["lockstep"]),
        // SQL generation without Spark; both engines compared on the same input when Spark is present.
        .testTarget(name: "LockstepSparkTests", dependencies: ["LockstepSpark", "LockstepAnalysis", "LockstepIngest", "LockstepCore", "lockstep"]),
        .testTarget(name: "LockstepCaseTests", dependencies: [
            "LockstepCase", "LockstepCore", "LockstepIngest", "LockstepAnalysis", "LockstepReport",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "LockstepServeTests", dependencies: [
            "LockstepServe", "LockstepCase", "LockstepCore", "LockstepIngest", "LockstepAnalysis", "LockstepReport",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        // Detection quality on simulated data: simulate → analyze → evaluate, in process.
        .testTarget(name: "QualityTests", dependencies: ["LockstepSimulation", "LockstepIngest", "LockstepAnalysis", "LockstepReport"]),
    ]
)
