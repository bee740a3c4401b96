// swift-tools-version: 6.0
import Foundation
import PackageDescription

// The parent package's identity is its folder name (a worktree may not be called "Lockstep").
let parent = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

// Benchmarks live in their own package so the main manifest carries no benchmark targets.
// Run: swift run -c release --package-path Benchmarks coordination-bench [posts]
let package = Package(
    name: "LockstepBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .executableTarget(
            name: "coordination-bench",
            dependencies: [
                .product(name: "LockstepCore", package: parent),
                .product(name: "LockstepAnalysis", package: parent),
            ],
            path: "Sources/CoordinationBench"),
        // Ingest and the whole analyze run on generated IO-archive files of named sizes.
        .executableTarget(
            name: "lockstep-bench",
            dependencies: [
                .product(name: "LockstepCore", package: parent),
                .product(name: "LockstepIngest", package: parent),
                .product(name: "LockstepAnalysis", package: parent),
                .product(name: "LockstepReport", package: parent),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/LockstepBench"),
        // Lockstep as a library: read, analyse, read typed results, write; public API only.
        .executableTarget(
            name: "library-example",
            dependencies: [
                .product(name: "LockstepCore", package: parent),
                .product(name: "LockstepIngest", package: parent),
                .product(name: "LockstepAnalysis", package: parent),
                .product(name: "LockstepReport", package: parent),
            ],
            path: "Sources/LibraryExample"),
        // hijack, narratives and follower_surges on generated posts; the follower-list reader.
        .executableTarget(
            name: "narratives-bench",
            dependencies: [
                .product(name: "LockstepCore", package: parent),
                .product(name: "LockstepIngest", package: parent),
                .product(name: "LockstepAnalysis", package: parent),
            ],
            path: "Sources/NarrativesBench"),
    ]
)
