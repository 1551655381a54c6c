import Foundation
import XCTest
@testable import Crest
import CrestTestSupport

/// A results folder gives back the sweep that wrote it: every run exactly, so any statistic,
/// verdict or plot can be computed again without sending a request.
final class StoredSweepTests: XCTestCase {
    private var folder: String!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("crest-stored-\(UUID().uuidString)").path
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func manifest(_ budget: Budget) throws -> RunManifest {
        let dataset = try DatasetLoader().parse(Data("{\"inputs\": \"hello\"}\n".utf8), path: "datasets/tiny.jsonl")
        return RunManifest(
            target: Target(name: "sim:test", kind: .simulator, model: "m", instanceLabel: "box", pricing: nil),
            dataset: dataset, budget: budget,
            settings: RunManifest.Settings(
                method: .adaptive(limits: SearchLimits(maxConcurrency: 1024), plateauTolerance: 0.02), seed: 1, confidence: 0.95,
                requestTimeoutSeconds: 60, maxOutputTokens: nil),
            startedAt: Date(timeIntervalSince1970: 0))
    }

    func testAnAdaptiveSweepReadsBackRunForRun() async throws {
        let budget = Budget(latency: [try LatencyConstraint(parsing: "e2e.p95<=8.35s")], maxErrorRate: 0.01)
        let writer = try ResultsWriter(folder: folder, manifest: try manifest(budget))
        var written: [LevelRun] = []
        let session = SearchSession(
            measurer: CurveMeasurer { 1 + 0.2 * Double($0) }, budget: budget, limits: SearchLimits(maxConcurrency: 1024)
        ) { run, result, step in
            try writer.record(run, result, step: step)
            written.append(run)
        }
        let outcome = try await AdaptiveSearch().search(session)

        let stored = try StoredSweep.read(folder: folder)
        XCTAssertEqual(stored.steps, outcome.steps)
        XCTAssertEqual(stored.runs.count, written.count)
        for (read, original) in zip(stored.runs, written) {
            XCTAssertEqual(read, original, "step run at \(original.level)")
            XCTAssertEqual(LevelSummary(read, confidence: 0.95), LevelSummary(original, confidence: 0.95))
        }
        XCTAssertEqual(stored.manifest.budget, budget)
    }

    func testABrokenLineIsNamedByFileAndLine() throws {
        let budget = Budget(latency: [try LatencyConstraint(parsing: "e2e.p95<=2s")], maxErrorRate: 0.01)
        _ = try ResultsWriter(folder: folder, manifest: try manifest(budget))
        try "{\"step\":1,\"level\":oops}\n".write(toFile: "\(folder!)/samples.jsonl", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try StoredSweep.read(folder: folder)) { error in
            guard case ResultsError.unreadable(let path, let line, _) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(path.hasSuffix("samples.jsonl"))
            XCTAssertEqual(line, 1)
        }
        // In a long file, read in slices on every core, the line number is still the file's.
        let good = Sample(level: 1, client: 0, seq: 0, promptIndex: 0, sentAt: 0, firstTokenAt: 1, finishedAt: 2, promptTokens: 1,
                          completionTokens: 1, tokensSource: .server, outcome: .ok, phase: .measured).jsonLine(step: 1)
        let lines = (1...1000).map { $0 == 777 ? "{\"step\":1,\"level\":-}\n" : good }.joined()
        try lines.write(toFile: "\(folder!)/samples.jsonl", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try StoredSweep.read(folder: folder)) { error in
            guard case ResultsError.unreadable(_, let line, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(line, 777)
            XCTAssertTrue(reason.contains("field 'level'"), reason)
        }
        XCTAssertThrowsError(try StoredSweep.read(folder: folder + "-missing")) { error in
            XCTAssertTrue("\(error)".contains("run.json"), "\(error)")
        }
    }

    func testAFixedListsSettingsReadBackFromRunJSON() throws {
        for length in [LevelLength.standard, .requests(120), .duration(seconds: 90), .scaledRequests(minimum: 50, perClient: 3)] {
            let settings = RunManifest.Settings(
                method: .fixed(levels: [1, 4, 16].map(Level.init(concurrency:)), length: length), seed: 3, confidence: 0.95,
                requestTimeoutSeconds: 60, maxOutputTokens: nil)
            let text = String(decoding: try JSONEncoder().encode(settings), as: UTF8.self)
            XCTAssertTrue(text.contains("\"level_length\":\"\(length.summary)\""), text)
            XCTAssertEqual(try JSONDecoder().decode(RunManifest.Settings.self, from: Data(text.utf8)), settings)
        }
        let unreadable = #"{"method": "fixed", "levels": [1], "level_length": "a while", "confidence": 0.95, "request_timeout_s": 60}"#
        XCTAssertThrowsError(try JSONDecoder().decode(RunManifest.Settings.self, from: Data(unreadable.utf8))) { error in
            XCTAssertTrue("\(error)".contains("'a while' is not a level length"), "\(error)")
        }
    }

    func testABudgetRunJSONCannotReadIsNamedByFileAndField() throws {
        let budget = Budget(latency: [try LatencyConstraint(parsing: "e2e.p95<=2s")], maxErrorRate: 0.01)
        _ = try ResultsWriter(folder: folder, manifest: try manifest(budget))
        let path = "\(folder!)/run.json"
        let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "e2e.p95<=2s", with: "e2e.p95 under 2s")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try StoredSweep.read(folder: folder)) { error in
            guard case ResultsError.unreadable(let failing, _, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(failing, path)
            XCTAssertTrue(reason.contains("field 'budget'"), reason)
        }
    }
}
