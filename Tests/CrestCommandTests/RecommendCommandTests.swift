import Foundation
import XCTest

/// `crest recommend` on a sweep's folder, as a user runs it.
final class RecommendCommandTests: WorkspaceTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        let sweep = try CrestBinary.run(["sweep", "--out", "swept"], in: workspace)
        XCTAssertEqual(sweep.status, 0, sweep.standardError)
    }

    private func answer(_ arguments: [String]) throws -> (status: Int32, json: [String: Any]) {
        let result = try CrestBinary.run(["recommend", "swept", "--json"] + arguments, in: workspace)
        let json = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any] ?? [:]
        return (result.status, json)
    }

    func testTheSweepsOwnBudgetGivesTheSweepsAnswer() throws {
        let stored = try JSONSerialization.jsonObject(with: Data(contentsOf: workspace.appendingPathComponent("swept/recommendation.json"))) as! [String: Any]
        let (status, json) = try answer([])
        XCTAssertEqual(status, 0)
        XCTAssertEqual(json["concurrency"] as? Int, stored["concurrency"] as? Int)
        XCTAssertEqual(json["verdicts_from"] as? String, "sweep")
        XCTAssertEqual(json["budget"] as? String, "e2e.p95<=20s AND errors<=1%")
    }

    func testATighterBudgetAnswersLowerAndShowsWhereItsEdgeFalls() throws {
        let (status, json) = try answer(["--budget", "e2e.p95<=10s"])
        XCTAssertEqual(status, 0)
        XCTAssertEqual(json["concurrency"] as? Int, 16, "16's p95 is 6.6 s, 32's 15.7 s")
        XCTAssertEqual(json["verdicts_from"] as? String, "samples")
        let edge = try XCTUnwrap(json["interpolated_edge"] as? [String: Any])
        XCTAssertEqual(edge["from"] as? Int, 16)
        XCTAssertEqual(edge["to"] as? Int, 32)
        let estimate = try XCTUnwrap(edge["estimate"] as? Double)
        XCTAssertTrue((16...32).contains(estimate), "\(estimate)")
    }

    func testBudgetsTheStoredLevelsCannotAnswerAreSaidSo() throws {
        let (looseStatus, loose) = try answer(["--budget", "e2e.p95<=60s"])
        XCTAssertEqual(looseStatus, 0)
        // The default sweep's highest level, from its levels.csv.
        let levels = try String(contentsOf: workspace.appendingPathComponent("swept/levels.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        let highest = try XCTUnwrap(levels.compactMap { Int($0.prefix { $0 != "," }) }.max())
        XCTAssertEqual(loose["coverage"] as? String, "looser than measured (highest \(highest))")
        let (tightStatus, tight) = try answer(["--budget", "e2e.p95<=2s"])
        XCTAssertEqual(tightStatus, 3)
        XCTAssertEqual(tight["feasible"] as? Bool, false)
        XCTAssertEqual(tight["coverage"] as? String, "tighter than measured (lowest 1)")
        let text = try CrestBinary.run(["recommend", "swept", "--budget", "e2e.p95<=60s"], in: workspace)
        XCTAssertTrue(text.standardOutput.contains("crest sweep --target sim:a100-llama3-8b --dataset en_1000-2000 --max-concurrency \(4 * highest) --budget 'e2e.p95<=60s'"), text.standardOutput)
    }

    /// The suggested command once put --model and --dataset unquoted: a crafted name in a results
    /// folder ran shell code when the command was pasted.
    func testTheSuggestedCommandIsSafeToPaste() throws {
        let manifestURL = workspace.appendingPathComponent("swept/run.json")
        var manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: manifestURL)) as! [String: Any]
        var dataset = manifest["dataset"] as! [String: Any]
        let crafted = "en; touch PWNED $(touch PWNED2) 'x'"
        dataset["name"] = crafted
        manifest["dataset"] = dataset
        try JSONSerialization.data(withJSONObject: manifest).write(to: manifestURL)
        let text = try CrestBinary.run(["recommend", "swept", "--budget", "e2e.p95<=60s"], in: workspace)
        let line = try XCTUnwrap(text.standardOutput.split(separator: "\n").first { $0.contains("crest sweep") })
        let command = String(line[line.range(of: "crest sweep")!.lowerBound...])
        // Pasted into a shell, with printf standing in for crest: each word comes back whole.
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", "printf '%s\\n' " + command.dropFirst("crest ".count)]
        shell.currentDirectoryURL = workspace
        let output = Pipe()
        shell.standardOutput = output
        try shell.run()
        let words = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n").map(String.init)
        shell.waitUntilExit()
        XCTAssertEqual(words.first, "sweep")
        XCTAssertTrue(words.contains(crafted), "\(words)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.appendingPathComponent("PWNED").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.appendingPathComponent("PWNED2").path))
    }

    func testMistakesGetExitCode2() throws {
        let missing = try CrestBinary.run(["recommend", "nowhere"], in: workspace)
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.standardError.contains("not a Crest results folder"), missing.standardError)
        let itl = try CrestBinary.run(["recommend", "swept", "--budget", "itl.p99<=100ms"], in: workspace)
        XCTAssertEqual(itl.status, 2)
        XCTAssertTrue(itl.standardError.contains("recorded no inter-token gaps"), itl.standardError)
        let none = try CrestBinary.run(["recommend"], in: workspace)
        XCTAssertEqual(none.status, 2)
    }
}
