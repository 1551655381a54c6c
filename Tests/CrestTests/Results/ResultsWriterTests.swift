import Foundation
import XCTest
@testable import Crest
import CrestTestSupport

final class ResultsWriterTests: XCTestCase {
    private var folder: String!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("crest-results-\(UUID().uuidString)").path
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func manifest() throws -> RunManifest {
        let dataset = try DatasetLoader().parse(Data("{\"inputs\": \"hello\"}\n".utf8), path: "datasets/tiny.jsonl")
        return RunManifest(
            target: Target(name: "sim:test", kind: .simulator, model: "m", instanceLabel: "box", pricing: .hourly(usdPerHour: 2, instances: 1)),
            dataset: dataset, budget: Budget(latency: [try LatencyConstraint(parsing: "e2e.p95<=2s")], maxErrorRate: 0.01),
            settings: RunManifest.Settings(method: .fixed(levels: [Level(concurrency: 1)], length: .requests(100)), seed: 1, confidence: 0.95, requestTimeoutSeconds: 60, maxOutputTokens: nil),
            startedAt: Date(timeIntervalSince1970: 0))
    }

    func testWritesSamplesLevelsAndRunAsTheSweepGoes() throws {
        let writer = try ResultsWriter(folder: folder, manifest: try manifest())
        let budget = Budget(latency: [try LatencyConstraint(parsing: "e2e.p95<=2s")], maxErrorRate: 0.01)
        for (index, concurrency) in [1, 2, 2].enumerated() {
            let run = LevelRunFixtures.run(concurrency: concurrency, latencies: Array(repeating: 1, count: index == 1 ? 20 : 30))
            let summary = LevelSummary(run, confidence: 0.95)
            let step = SearchStep(
                step: index + 1, concurrency: concurrency, phase: .ramp, reason: "why", prediction: nil, test: .sequential(.screening),
                verdict: StepVerdict(isFeasible: true, basis: .test(.likely)), transactionsPerMinute: 60, observed: [], measuredRequests: summary.requests, requestsSent: run.samples.count,
                cumulativeRequests: 0, cumulativeSeconds: 0, feasibleBelow: nil, infeasibleAbove: nil)
            try writer.record(run, LevelResult(summary: summary, verdict: budget.verdict(for: run, summary: summary, confidence: 0.95)), step: step)
        }
        let samples = try String(contentsOfFile: "\(folder!)/samples.jsonl", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(samples.count, 52 + 42 + 52, "runs of 30, 20 and 30 measured requests, each padded with 11 before and after")
        XCTAssertEqual(try Sample(jsonLine: samples[0]).level, 1)
        // The two runs at concurrency 2 stay apart by the step that measured them.
        let stepsOfSamples = samples.map { (try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any])["step"] as? Int }
        XCTAssertEqual(stepsOfSamples.filter { $0 == 2 }.count, 42)
        XCTAssertEqual(stepsOfSamples.filter { $0 == 3 }.count, 52)
        let levels = try String(contentsOfFile: "\(folder!)/levels.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(levels.count, 3, "a header and a row per concurrency")
        XCTAssertTrue(levels[1].hasPrefix("1,30,0,0.000000,"))
        XCTAssertTrue(levels[2].hasPrefix("2,30,0,0.000000,"), "the level's most informative run")
        let header = levels[0].split(separator: ",").map(String.init)
        XCTAssertEqual(levels[2].split(separator: ",", omittingEmptySubsequences: false)[header.firstIndex(of: "runs")!], "2")
        let steps = try String(contentsOfFile: "\(folder!)/search.jsonl", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(steps.count, 3)
        let step = try JSONSerialization.jsonObject(with: Data(steps[2].utf8)) as! [String: Any]
        XCTAssertEqual(step["measured_requests"] as? Int, 30)
        XCTAssertEqual(step["step"] as? Int, 3)
        let run = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(folder!)/run.json"))) as! [String: Any]
        XCTAssertEqual(run["status"] as? String, "running")
        XCTAssertEqual((run["target"] as? [String: Any])?["instance_label"] as? String, "box")
        XCTAssertEqual((run["dataset"] as? [String: Any])?["prompt_tokens_source"] as? String, "estimate")
        XCTAssertEqual(run["started_at"] as? String, "1970-01-01T00:00:00Z")
    }

    func testRefusesAFolderThatHoldsFiles() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        XCTAssertTrue(FileManager.default.createFile(atPath: "\(folder!)/notes.txt", contents: Data("keep me".utf8)))
        XCTAssertThrowsError(try ResultsWriter(folder: folder, manifest: try manifest())) { error in
            XCTAssertEqual(error as? ResultsError, .occupied(path: folder))
        }
        XCTAssertEqual(try String(contentsOfFile: "\(folder!)/notes.txt", encoding: .utf8), "keep me", "nothing is lost")
    }

    // The column names are Crest's public interface (DESIGN.md): the reference columns come first, in order.
    func testLevelsCSVStartsWithTheDocumentedColumns() {
        let header = LevelsTable.csv([], pricing: nil).trimmingCharacters(in: .newlines).split(separator: ",").map(String.init)
        let documented = [
            "concurrency", "requests", "errors", "error_rate", "duration_s", "transactions_per_minute", "latency_mean", "latency_p50",
            "latency_p90", "latency_p95", "latency_p99", "ttft_mean", "ttft_p50", "ttft_p95", "ttft_p99", "tpot_mean", "tpot_p50",
            "tpot_p95", "tpot_p99", "prompt_token_count_mean", "completion_token_count_mean", "prompt_token_throughput",
            "completion_token_throughput", "tokens_estimated", "price_per_txn", "verdict",
        ]
        XCTAssertEqual(Array(header.prefix(documented.count)), documented)
        XCTAssertTrue(header.contains("latency_p95_lo") && header.contains("latency_p95_hi") && header.contains("errors_http_429"))
        XCTAssertTrue(header.contains("error_names"), "failures by the endpoint's own name for them")
        XCTAssertEqual(Set(header).count, header.count, "no column twice")
    }

    func testLevelsCSVLeavesUnmeasuredCellsEmpty() throws {
        let run = LevelRunFixtures.run(concurrency: 1, latencies: [nil, nil, nil])
        let summary = LevelSummary(run, confidence: 0.95)
        let budget = Budget(latency: [try LatencyConstraint(parsing: "e2e.p95<=2s")], maxErrorRate: nil)
        let csv = LevelsTable.csv([LevelResult(summary: summary, verdict: budget.verdict(for: run, summary: summary, confidence: 0.95))], pricing: .hourly(usdPerHour: 1, instances: 1))
        let header = csv.split(separator: "\n")[0].split(separator: ",", omittingEmptySubsequences: false)
        let row = csv.split(separator: "\n")[1].split(separator: ",", omittingEmptySubsequences: false)
        let cell = { (name: String) in String(row[header.firstIndex(of: Substring(name))!]) }
        XCTAssertEqual(cell("latency_p95"), "")
        XCTAssertEqual(cell("price_per_txn"), "", "no price without a transaction")
        XCTAssertEqual(cell("errors_http_5xx"), "3")
        XCTAssertEqual(cell("verdict"), "infeasible")
    }
}

final class ResultsFolderNameTests: XCTestCase {
    func testNamesAreUTCStampedAndNeverReused() throws {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("crest-names-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let date = Date(timeIntervalSince1970: 1_700_000_000)
        let first = ResultsFolderName.next(target: "a100", dataset: "en_1-500", at: date, parent: parent)
        XCTAssertEqual(first, "\(parent)/a100-en_1-500-20231114-221320")
        try FileManager.default.createDirectory(atPath: first, withIntermediateDirectories: true)
        XCTAssertEqual(ResultsFolderName.next(target: "a100", dataset: "en_1-500", at: date, parent: parent), first + "-2")
    }
}
