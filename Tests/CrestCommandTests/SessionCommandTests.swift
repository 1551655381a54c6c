import Foundation
import XCTest

/// `--session-turns` and `--think-time` as a user runs them on the simulator: every client a user
/// holding conversations whose context grows, reported turn by turn.
final class SessionCommandTests: WorkspaceTestCase {
    private func rows(_ csv: String) -> [[String: String]] {
        let lines = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(lines[0], $0)) }
    }

    func testASessionSweepReportsEachTurn() throws {
        let result = try CrestBinary.run(
            ["sweep", "--dataset", "en_1-500", "--max-tokens", "64", "--session-turns", "3", "--think-time", "1s", "--budget", "ttft.p95<=1s", "--out", "talk"],
            in: workspace)
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardError.contains("conversations of 3 turns, a mean of 1 s thinking between turns"), result.standardError)
        // turns.csv: every level's three turns, whose prompts grow by the turns before them and are
        // mostly served from the history the engine kept.
        let turns = rows(try text("talk/turns.csv"))
        let levels = Set(turns.map { $0["concurrency"]! })
        XCTAssertGreaterThan(levels.count, 3)
        for level in levels {
            let ofLevel = turns.filter { $0["concurrency"] == level }
            XCTAssertEqual(ofLevel.map { $0["turn"]! }, ["1", "2", "3"], "level \(level)")
            let answered = ofLevel.filter { Int($0["successes"]!)! > 0 }
            guard answered.count == 3 else { continue }
            let prompts = answered.map { Double($0["prompt_token_count_mean"]!)! }
            XCTAssertLessThan(prompts[0] * 1.8, prompts[2], "level \(level): \(prompts)")
            XCTAssertEqual(answered[0]["prefix_cache_hit_rate"], "0.0000")
            XCTAssertGreaterThan(Double(answered[2]["prefix_cache_hit_rate"]!)!, 0.5, "level \(level)")
        }
        // The search counts the think time (N users send N / (latency + think) requests a second):
        // no feasible level it measured served clearly more than its answer. (Counted as N / latency,
        // the knee fell at a quarter of the users.)
        let answer = try JSONSerialization.jsonObject(with: Data(text("talk/recommendation.json").utf8)) as! [String: Any]
        let answered = try XCTUnwrap(answer["transactions_per_minute"] as? Double)
        for line in try text("talk/search.jsonl").split(separator: "\n") {
            let step = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            guard let verdict = step["verdict"] as? String, verdict.hasSuffix(" feasible"), !verdict.contains("infeasible") else { continue }
            XCTAssertLessThan(step["transactions_per_minute"] as! Double, 1.1 * answered, "\(step["concurrency"]!) against the answer's \(answered)")
        }
        let report = try text("talk/report.md")
        XCTAssertTrue(report.contains("## Conversations"))
        XCTAssertTrue(report.contains("TTFT p95 went from"), report)
        XCTAssertTrue(report.contains("| turn | requests | prompt tokens (mean) | prefix cache hits |"), report)
        let manifest = try JSONSerialization.jsonObject(with: Data(text("talk/run.json").utf8)) as! [String: Any]
        let sessions = try XCTUnwrap(((manifest["dataset"] as? [String: Any])?["workload"] as? [String: Any])?["sessions"] as? [String: Any])
        XCTAssertEqual(sessions["turns"] as? Int, 3)
        XCTAssertEqual(sessions["think_time_s"] as? Double, 1)
        // Asked a budget crossed between two measured levels, recommend's sweep to measure there
        // keeps the conversations.
        let asked = try CrestBinary.run(["recommend", "talk", "--budget", "ttft.p95<=0.45s"], in: workspace)
        XCTAssertTrue(asked.standardOutput.contains("--session-turns 3 --think-time 1s"), asked.standardOutput + asked.standardError)
        // A sweep of single requests has no turns.
        let single = try CrestBinary.run(["sweep", "--dataset", "en_1-500", "--max-tokens", "64", "--levels", "2", "--requests-per-level", "40", "--out", "single"], in: workspace)
        XCTAssertEqual(single.status, 0, single.standardError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: "\(workspace)/single/turns.csv"))
        XCTAssertFalse(try text("single/samples.jsonl").contains("\"turn\""))
    }

    /// Histories that outgrow the model's context are the conversations' doing, not the prompts':
    /// the refusals (turn 3 on, past 8,192 tokens here) are named as such, apart from prompts too long.
    func testConversationsThatOutgrowTheContextAreNamedAsSuch() throws {
        let result = try CrestBinary.run(
            ["sweep", "--dataset", "en_2000-3000", "--max-tokens", "256", "--session-turns", "4", "--levels", "1", "--requests-per-level", "40",
             "--budget", "ttft.p95<=2s", "--out", "long"], in: workspace)
        let console = result.standardOutput
        XCTAssertTrue(console.contains("Conversations too long: later turns were refused as longer than the endpoint's context"), console)
        XCTAssertTrue(console.contains("from turn 3"), console)
        XCTAssertFalse(console.contains("Prompts too long"), console)
        XCTAssertTrue(try text("long/report.md").contains("Conversations too long"))
        // Each refused turn ended its conversation: the next request of its client opened one.
        let samples = try text("long/samples.jsonl").split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        let ordered = samples.sorted { ($0["step"] as! Int, $0["seq"] as! Int) < ($1["step"] as! Int, $1["seq"] as! Int) }
        for (refused, next) in zip(ordered, ordered.dropFirst()) where refused["fault"] as? String == "context_exceeded" {
            XCTAssertEqual(next["turn"] as? Int, 1)
        }
    }

    func testWrongSessionOptionsSayWhatIsWrong() throws {
        let cases: [([String], String)] = [
            (["--think-time", "2s"], "--think-time needs --session-turns T"),
            (["--session-turns", "1"], "a conversation of one turn is a single request"),
            (["--session-turns", "0"], "--session-turns"),
            (["--session-turns", "3", "--think-time", "soon"], "--think-time 'soon'"),
            (["--session-turns", "3", "--think-time", "2h"], "--think-time: at most"),
            (["--session-turns", "3", "--no-prefix-reuse"], "a conversation's turns share their history"),
        ]
        for (options, message) in cases {
            let result = try CrestBinary.run(["sweep", "--out", "never"] + options, in: workspace)
            XCTAssertEqual(result.status, 2, "\(options)")
            XCTAssertTrue(result.standardError.contains(message), "\(options): \(result.standardError)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: "\(workspace)/never"), "\(options)")
        }
    }
}
