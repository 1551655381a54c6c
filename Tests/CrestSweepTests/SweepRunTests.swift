import Crest
import CrestSimulator
import CrestSweep
import Foundation
import XCTest

/// A sweep run owns its results folder from the first request to the report, however it ends.
final class SweepRunTests: XCTestCase {
    private var folder: String!

    override func setUp() {
        folder = NSTemporaryDirectory() + "crest-sweep-run-\(UUID().uuidString)"
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func sweep(levels: [Int]) throws -> SweepRun<SimulatedMeasurer> {
        let preset = SimulatorPreset.a100
        let bin = PromptBin.standard[1]
        let dataset = try DatasetLoader().parse(Data(DatasetGenerator(seed: 7, promptsPerBin: 40).payloadLines(for: bin).utf8), path: "\(bin.name).jsonl")
        let plan = SweepPlan(
            target: Target(name: "sim:\(preset.name)", kind: .simulator, model: preset.model, instanceLabel: preset.instanceLabel, pricing: preset.pricing),
            dataset: dataset, budget: Budget(latency: [try LatencyConstraint(parsing: "e2e.p95<=20s")], maxErrorRate: 0.01),
            method: .fixed(levels: levels.map(Level.init(concurrency:)), length: .requests(40)), seed: 1, requestTimeoutSeconds: 300,
            maxOutputTokens: nil, folder: folder)
        return SweepRun(plan: plan, measurer: SimulatedMeasurer(endpoint: preset.endpoint, dataset: dataset, seed: 1, requestTimeoutSeconds: 300))
    }

    private func manifest() throws -> RunManifest {
        try JSONDecoder().decode(RunManifest.self, from: Data(contentsOf: URL(fileURLWithPath: "\(folder!)/run.json")))
    }

    func testAFinishedSweepWritesEveryFileAndItsAnswer() async throws {
        var levelsSeen: [Int] = []
        let result = try await sweep(levels: [1, 2, 4]).run { run, _, _ in levelsSeen.append(run.level.concurrency) }
        guard case .searched(let outcome, _) = result.ending, let recommendation = outcome.recommendation else { return XCTFail("\(result.ending)") }
        XCTAssertEqual(levelsSeen, [1, 2, 4])
        XCTAssertEqual(result.runs.count, 3)
        for file in ["run.json", "levels.csv", "samples.jsonl", "search.jsonl", "recommendation.json", "report.md", "report.html"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(folder!)/\(file)"), file)
        }
        let manifest = try manifest()
        XCTAssertEqual(manifest.status, .finished)
        XCTAssertEqual(manifest.recommendedConcurrency, recommendation.concurrency)
        XCTAssertNotNil(manifest.finishedAt)
    }

    func testACancelledSweepSaysItWasInterruptedAndRecommendsNothing() async throws {
        let sweep = try sweep(levels: [1, 2, 4])
        let running = Task { try await sweep.run() }
        running.cancel()
        let result = try await running.value
        guard case .interrupted = result.ending else { return XCTFail("\(result.ending)") }
        XCTAssertEqual(try manifest().status, .interrupted)
        XCTAssertEqual(try manifest().stopReason, .interrupted)
        XCTAssertFalse(FileManager.default.fileExists(atPath: "\(folder!)/recommendation.json"))
    }

    func testAnOccupiedFolderIsRefusedBeforeAnyRequest() async throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "keep".write(toFile: "\(folder!)/notes.txt", atomically: true, encoding: .utf8)
        do {
            _ = try await sweep(levels: [1]).run()
            XCTFail("an occupied folder was written")
        } catch ResultsError.occupied(let path) {
            XCTAssertEqual(path, folder)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["notes.txt"], "nothing lost or added")
    }
}
