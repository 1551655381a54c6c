// swift-tools-version:6.0
// Crest uses no third-party packages: only the toolchain's Foundation, Dispatch, Glibc, Synchronization
// and XCTest, plus a local C target that includes system headers.
import PackageDescription

let package = Package(
    name: "Crest",
    products: [
        .executable(name: "crest", targets: ["crest"]),
        .library(name: "Crest", targets: ["Crest"]),
        .library(name: "CrestSimulator", targets: ["CrestSimulator"]),
        .library(name: "CrestReport", targets: ["CrestReport"]),
        .library(name: "CrestHTTP", targets: ["CrestHTTP"]),
        .library(name: "CrestServe", targets: ["CrestServe"]),
        .library(name: "CrestSweep", targets: ["CrestSweep"]),
        .library(name: "CrestAWS", targets: ["CrestAWS"]),
    ],
    targets: [
        // The domain: workloads, samples, statistics, budgets, pricing, results. No network I/O.
        .target(name: "Crest"),
        // The discrete-event serving engine and its presets, behind the Measurer protocol.
        .target(name: "CrestSimulator", dependencies: ["Crest"]),
        // epoll and eventfd, which the toolchain's Glibc module does not export: system headers only.
        .target(name: "CEpoll"),
        // Live endpoints: the epoll load generator, HTTP/1.1 and SSE parsing, API kinds, the HTTP server,
        // and TLS for both through the system's OpenSSL 3, loaded with dlopen at run time (no headers).
        .target(name: "CrestHTTP", dependencies: ["Crest", "CrestAWS", "CEpoll"]),
        // Amazon's wire formats, written out since the toolchain has no hash library: SHA-256,
        // HMAC and SigV4 signing, the event-stream framing, credentials from the environment and
        // the shared files. Pure computation, no I/O but reading those files.
        .target(name: "CrestAWS"),
        // The simulator in real time behind an OpenAI-compatible HTTP API (`crest serve`).
        .target(name: "CrestServe", dependencies: ["Crest", "CrestAWS", "CrestSimulator", "CrestHTTP"]),
        // Reports computed from results, rendered as Markdown.
        .target(name: "CrestReport", dependencies: ["Crest"]),
        // A sweep from its first request to its report, for any measurer: the results folder's life.
        .target(name: "CrestSweep", dependencies: ["Crest", "CrestReport"]),
        // The command-line tool: argument parsing and wiring only.
        .executableTarget(name: "crest", dependencies: ["Crest", "CrestSimulator", "CrestReport", "CrestHTTP", "CrestServe", "CrestSweep"]),
        // Benchmarks: release-build executables that print figures.
        .executableTarget(
            name: "SimulatorSpeed", dependencies: ["Crest", "CrestSimulator"], path: "Benchmarks/SimulatorSpeed"),
        .executableTarget(
            name: "SearchBenchmark", dependencies: ["Crest", "CrestSimulator"], path: "Benchmarks/SearchBenchmark",
            exclude: ["ground-truth.json"]),
        .executableTarget(
            name: "LoadGeneratorOverhead", dependencies: ["Crest", "CrestAWS", "CrestHTTP"], path: "Benchmarks/LoadGeneratorOverhead"),
        .executableTarget(
            name: "ServeAgreement", dependencies: ["Crest", "CrestSimulator", "CrestHTTP", "CrestServe"], path: "Benchmarks/ServeAgreement"),
        .executableTarget(
            name: "ServeSoak", dependencies: ["Crest", "CrestHTTP", "CrestServe", "CrestSimulator"], path: "Benchmarks/ServeSoak"),
        .executableTarget(
            name: "DatasetImportBenchmark", dependencies: ["Crest"], path: "Benchmarks/DatasetImport"),
        .executableTarget(
            name: "ReportSpeed", dependencies: ["Crest", "CrestSimulator", "CrestReport", "CrestSweep"], path: "Benchmarks/ReportSpeed"),
        // The test doubles and fixtures of every test target: scripted and faulty endpoints on
        // loopback, scripted and curve measurers, hand-made level runs and reports.
        .target(
            name: "CrestTestSupport", dependencies: ["Crest", "CrestAWS", "CrestHTTP", "CrestSimulator", "CrestReport"], path: "Tests/CrestTestSupport"),
        .testTarget(name: "CrestTests", dependencies: ["Crest", "CrestTestSupport"]),
        .testTarget(name: "CrestSimulatorTests", dependencies: ["Crest", "CrestSimulator", "CrestTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "CrestHTTPTests", dependencies: ["Crest", "CrestAWS", "CrestHTTP", "CrestTestSupport"]),
        .testTarget(name: "CrestServeTests", dependencies: ["Crest", "CrestAWS", "CrestSimulator", "CrestHTTP", "CrestServe", "CrestTestSupport"]),
        .testTarget(name: "CrestReportTests", dependencies: ["Crest", "CrestReport", "CrestTestSupport"]),
        .testTarget(name: "CrestSweepTests", dependencies: ["Crest", "CrestSimulator", "CrestSweep"]),
        .testTarget(name: "CrestCommandTests", dependencies: ["crest", "CrestTestSupport"]),
        .testTarget(name: "CrestAWSTests", dependencies: ["CrestAWS"], exclude: ["Fixtures"]),
    ]
)
