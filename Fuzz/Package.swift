// swift-tools-version: 6.0
import Foundation
import PackageDescription

// The parent package's identity is its folder name (a worktree may not be called "Lockstep").
let parent = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

// A libFuzzer target for the readers, in a package of its own (as Benchmarks/ is) so that the main
// manifest is unchanged. Build and run: see docs/fuzzing.md.
let package = Package(
    name: "LockstepFuzz",
    platforms: [.macOS(.v13)],
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "reader-fuzzer",
            dependencies: [
                .product(name: "LockstepCore", package: parent),
                .product(name: "LockstepIngest", package: parent),
            ],
            path: "Sources/ReaderFuzzer"),
    ]
)
