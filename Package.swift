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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        // A prefetch hint for the merge's hash lookups (C: Swift cannot issue one).
        .target(name: "CMemoryHints"),
        .target(name: "LockstepCore", dependencies: ["CMemoryHints"]),
        .target(name: "LockstepIngest", dependencies: ["LockstepCore", "CZlib"]),
        .target(name: "LockstepAnalysis", dependencies: ["LockstepCore"]),
        .target(name: "LockstepReport", dependencies: ["LockstepCore", "LockstepIngest", "LockstepAnalysis"]),
        .target(name: "LockstepSimulation", dependencies: ["LockstepCore"]),
        .executableTarget(
            name: "lockstep",
            dependencies: [
                "LockstepCore", "LockstepIngest", "LockstepAnalysis", "LockstepReport", "LockstepSimulation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(name: "LockstepCoreTests", dependencies: ["LockstepCore"]),
        .testTarget(name: "LockstepIngestTests", dependencies: ["LockstepIngest"], exclude: ["Fixtures"]),
        .testTarget(name: "LockstepAnalysisTests", dependencies: ["LockstepAnalysis", "LockstepIngest"]),
        .testTarget(name: "LockstepReportTests", dependencies: ["LockstepReport"]),
        .testTarget(name: "LockstepSimulationTests", dependencies: ["LockstepSimulation"]),
        .testTarget(name: "EndToEndTests", dependencies: ["lockstep"]),
        // Detection quality on simulated data: simulate → analyze → evaluate, in process.
        .testTarget(name: "QualityTests", dependencies: ["LockstepSimulation", "LockstepIngest", "LockstepAnalysis", "LockstepReport"]),
    ]
)
