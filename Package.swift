// swift-tools-version:6.0
// Crest uses no third-party packages: only the toolchain's Foundation, Dispatch, Glibc and XCTest.
import PackageDescription

let package = Package(
    name: "Crest",
    products: [
        .executable(name: "crest", targets: ["crest"]),
        .library(name: "Crest", targets: ["Crest"]),
        .library(name: "CrestSimulator", targets: ["CrestSimulator"]),
        .library(name: "CrestReport", targets: ["CrestReport"]),
    ],
    targets: [
        // The domain: workloads, samples, statistics, budgets, pricing, results. No network I/O.
        .target(name: "Crest"),
        // The discrete-event serving engine and its presets, behind the Measurer protocol.
        .target(name: "CrestSimulator", dependencies: ["Crest"]),
        // Reports computed from results, rendered as Markdown.
        .target(name: "CrestReport", dependencies: ["Crest"]),
        // The command-line tool: argument parsing and wiring only.
        .executableTarget(name: "crest", dependencies: ["Crest", "CrestSimulator", "CrestReport"]),
        // Benchmarks: release-build executables that print figures.
        .executableTarget(
            name: "SimulatorSpeed", dependencies: ["Crest", "CrestSimulator"], path: "Benchmarks/SimulatorSpeed"),
        .executableTarget(
            name: "SearchBenchmark", dependencies: ["Crest", "CrestSimulator"], path: "Benchmarks/SearchBenchmark",
            exclude: ["ground-truth.json"]),
        .testTarget(name: "CrestTests", dependencies: ["Crest"]),
        .testTarget(name: "CrestSimulatorTests", dependencies: ["Crest", "CrestSimulator"]),
        .testTarget(name: "CrestReportTests", dependencies: ["Crest", "CrestReport"]),
        .testTarget(name: "CrestCommandTests", dependencies: ["crest"]),
    ]
)
