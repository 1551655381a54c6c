import Foundation
import XCTest

/// `crest sweep` as a user runs it.
final class SweepCommandTests: WorkspaceTestCase {
    private func csvRows(_ path: URL) throws -> [[String: String]] {
        let lines = try String(contentsOf: path, encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return lines.dropFirst().map { line in
            Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        }
    }

    // The README's first command: no arguments, an adaptive search, a certified recommendation
    // strictly inside the levels tried, where throughput has flattened and latency crossed the budget.
    func testTheDefaultSweepFindsAKneeInsideTheLevelsTried() throws {
        let result = try CrestBinary.run(["sweep"], in: workspace)
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardOutput.contains("Recommendation: Concurrency "), result.standardOutput)
        let runs = try FileManager.default.contentsOfDirectory(atPath: workspace.appendingPathComponent("results").path)
        XCTAssertEqual(runs.count, 1)
        let folder = workspace.appendingPathComponent("results").appendingPathComponent(runs[0])
        for file in ["report.md", "levels.csv", "samples.jsonl", "search.jsonl", "run.json", "recommendation.json", "plots/latency-e2e.svg", "plots/errors.svg"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path), file)
        }
        let recommendation = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("recommendation.json"))) as! [String: Any]
        let chosen = try XCTUnwrap(recommendation["concurrency"] as? Int)
        let levels = try csvRows(folder.appendingPathComponent("levels.csv"))
        let concurrencies = levels.map { Int($0["concurrency"]!)! }
        XCTAssertGreaterThan(chosen, concurrencies.first!)
        XCTAssertLessThan(chosen, concurrencies.last!)
        let throughput = levels.map { Double($0["transactions_per_minute"]!)! }
        let index = concurrencies.firstIndex(of: chosen)!
        XCTAssertGreaterThan(throughput[index], 5 * throughput[0], "throughput rises")
        let lastGain = throughput[throughput.count - 1] / throughput[index]
        let firstGain = throughput[1] / throughput[0]
        XCTAssertLessThan(lastGain - 1, (firstGain - 1) / 4, "and flattens")
        XCTAssertEqual(levels[index]["verdict"], "feasible")
        // The answer rests on a full confirmation: certified, or likely where its level is a few
        // percent under the limit (seeds 2, 6, 7 and 10 answer 47 to 52, likely).
        let certainty = try XCTUnwrap(levels[index]["verdict_detail"])
        XCTAssertTrue(["certified", "likely"].contains(certainty), certainty)
        XCTAssertTrue(levels[(index + 1)...].allSatisfy { $0["verdict"] == "infeasible" || $0["verdict_detail"] != "certified" }, "nothing above is certified feasible")
        XCTAssertEqual(levels.last?["verdict"], "infeasible", "latency crosses the budget above it")
        let steps = try String(contentsOf: folder.appendingPathComponent("search.jsonl"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(steps.count, levels.map { Int($0["runs"]!)! }.reduce(0, +), "a step per measurement")
        let report = try String(contentsOf: folder.appendingPathComponent("report.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("## How the search went"))
        // The per-level table says how sure each verdict is, as the console does.
        let row = try XCTUnwrap(report.split(separator: "\n").first { $0.hasPrefix("| **\(chosen)** ◀ |") })
        XCTAssertTrue(row.hasSuffix("| \(certainty) feasible |"), String(row))
        // Here 55's confirmation fails, and 60, above it, passed its screening.
        let explanation = try assertPassesAboveTheAnswerAreExplained(in: folder)
        XCTAssertTrue(explanation.contains("passed only a screening"), explanation)
    }

    // Seed 11: 53's confirmation fails; 47, under it, passed its screening within its noise of
    // the limit, and 57, above it, passed one too. The answer, 41, names both.
    func testPassesAroundAFailedConfirmationAreExplained() throws {
        let result = try CrestBinary.run(["sweep", "--seed", "11", "--out", "seed-11"], in: workspace)
        XCTAssertEqual(result.status, 0, result.standardError)
        let explanation = try assertPassesAboveTheAnswerAreExplained(in: workspace.appendingPathComponent("seed-11"))
        XCTAssertTrue(explanation.contains("Concurrency 47 (192 requests, borderline feasible) passed its screening only within its own noise of the limit, where a confirmation rarely certifies"), explanation)
        XCTAssertTrue(explanation.contains("Concurrency 57 (237 requests, borderline feasible) passed only a screening"), explanation)
    }

    /// A level above the answer that only a screening passed is explained, not left to puzzle
    /// over: as a pass that is likely noise, or as within the plateau tolerance of the answer.
    /// Returns the explanation.
    private func assertPassesAboveTheAnswerAreExplained(in folder: URL) throws -> String {
        let recommendation = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("recommendation.json"))) as! [String: Any]
        let chosen = try XCTUnwrap(recommendation["concurrency"] as? Int)
        let explanation = try XCTUnwrap(recommendation["explanation"] as? String)
        let withinTolerance = explanation.firstMatch(of: /Up to concurrency (\d+) the throughput model gains/).flatMap { Int($0.1) } ?? 0
        for level in try csvRows(folder.appendingPathComponent("levels.csv")) where level["verdict"] == "feasible" {
            let concurrency = Int(level["concurrency"]!)!
            guard concurrency > chosen else { continue }
            XCTAssertTrue(explanation.contains("Concurrency \(concurrency) (") || concurrency <= withinTolerance, explanation)
        }
        return explanation
    }

    // The same seed gives byte-identical levels.csv and samples.jsonl; another seed does not.
    // A fixed level whose start MSER-5 trimmed reported fewer measured requests than asked for,
    // silently (14 of 24): the line now says how many were trimmed, and levels.csv agrees.
    func testAFixedLevelSaysHowManyRequestsItTrimmed() throws {
        let result = try CrestBinary.run(["sweep", "--levels", "1", "--requests-per-level", "24", "--out", "trimmed"], in: workspace)
        XCTAssertEqual(result.status, 0, result.standardError)
        let row = try XCTUnwrap(try csvRows(workspace.appendingPathComponent("trimmed/levels.csv")).first)
        let trimmed = try XCTUnwrap(Int(row["transient_requests"] ?? ""))
        XCTAssertGreaterThan(trimmed, 0, "the seed's first level has a transient")
        XCTAssertTrue(result.standardError.contains("\(row["requests"]!) measured (\(trimmed) more trimmed as start-up transient)"), result.standardError)
    }

    // The reference experiment on the hosted preset: the answer's error ceiling is certified on
    // failures pooled across levels, though its own interval reaches above 1%. The report said
    // "certified" in one line and "not certainly" in the next; it now says how the test knew.
    func testACeilingCertifiedOnPooledEvidenceIsNotCalledUncertain() throws {
        let result = try CrestBinary.run(
            ["sweep", "--target", "sim:hosted-claude-instant", "--dataset", "en_1000-2000", "--budget", "e2e.p95<=20s", "--out", "hosted"], in: workspace)
        XCTAssertEqual(result.status, 0, result.standardError)
        let report = try String(contentsOf: workspace.appendingPathComponent("hosted/report.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("meets the budget (certified)"), report)
        XCTAssertFalse(report.contains("not certainly"), report)
        // Where the answer's own interval reaches above the 1% ceiling, the report says how its test
        // knew. (Since the ceiling counts every finished request of the other levels, this seed's
        // answer is certified on an interval of its own under 1% too.)
        let errors = try XCTUnwrap(report.split(separator: "\n").first { $0.hasPrefix("- errors:") })
        let upper = try XCTUnwrap(errors.firstMatch(of: /95% upper bound ([0-9.]+)%/).flatMap { Double($0.1) })
        if upper > 1 {
            XCTAssertTrue(report.contains("certified it with the evidence of the search's other runs pooled in"), report)
        }
    }

    func testTheSameSeedGivesByteIdenticalResults() throws {
        let arguments = ["sweep", "--levels", "1,4,16", "--requests-per-level", "100", "--dataset", "en_500-1000"]
        for (name, seed) in [("a", "5"), ("b", "5"), ("c", "6")] {
            let result = try CrestBinary.run(arguments + ["--seed", seed, "--out", name], in: workspace)
            XCTAssertEqual(result.status, 0, result.standardError)
        }
        for file in ["levels.csv", "samples.jsonl", "plots/latency-e2e.svg", "plots/throughput.svg"] {
            let a = try Data(contentsOf: workspace.appendingPathComponent("a/\(file)"))
            XCTAssertEqual(a, try Data(contentsOf: workspace.appendingPathComponent("b/\(file)")), file)
            XCTAssertNotEqual(a, try Data(contentsOf: workspace.appendingPathComponent("c/\(file)")), file)
        }
    }

    func testAMalformedDatasetLineEndsWithExitCode2NamingFileLineAndField() throws {
        let bad = workspace.appendingPathComponent("bad.jsonl")
        try Data("{\"inputs\": \"fine\"}\n{\"inputs\": \"fine\"}\n{\"input\": \"typo\"}\n".utf8).write(to: bad)
        let result = try CrestBinary.run(["sweep", "--dataset", "bad.jsonl"], in: workspace)
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.standardError, "crest sweep: bad.jsonl:3: missing field 'inputs': expected the prompt as a string\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.appendingPathComponent("results").path), "nothing written")
    }

    func testAMalformedBudgetEndsWithExitCode2() throws {
        let result = try CrestBinary.run(["sweep", "--budget", "e2e.p95<20s"], in: workspace)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.standardError.hasPrefix("crest sweep: --budget 'e2e.p95<20s': the comparison must be '<='"), result.standardError)
    }

    // As the user sees it: the exact message on stderr and exit code 2. (The many other mistakes
    // are checked in process, by `SweepUsageTests`.)
    func testUsageMistakesGetExitCode2AndAHint() throws {
        let typo = try CrestBinary.run(["sweep", "--levls", "1,2"], in: workspace)
        XCTAssertEqual(typo.status, 2)
        XCTAssertEqual(typo.standardError, "crest sweep: unknown option '--levls' for crest sweep; did you mean '--levels'? (crest sweep --help lists the options)\n")
        let command = try CrestBinary.run(["swep"], in: workspace)
        XCTAssertEqual(command.status, 2)
        // A folder named by a path said "no such file or bin"; found when the sweep starts, before
        // its folder is made.
        let folder = try CrestBinary.run(["sweep", "--dataset", "datasets/", "--out", "never"], in: workspace)
        XCTAssertEqual(folder.status, 2, folder.standardError)
        XCTAssertTrue(folder.standardError.contains("datasets/: cannot read the dataset: it is a directory, not a regular file"), folder.standardError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.appendingPathComponent("never").path))
    }

    func testAnOccupiedOutputFolderIsRefusedAndLeftAlone() throws {
        let out = workspace.appendingPathComponent("taken")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try Data("precious".utf8).write(to: out.appendingPathComponent("notes.txt"))
        let result = try CrestBinary.run(["sweep", "--out", "taken", "--levels", "1"], in: workspace)
        XCTAssertEqual(result.status, 2)
        // Refused first: it does not say it is writing there, then that it cannot.
        XCTAssertEqual(result.standardError, "crest sweep: taken: the folder already holds files; choose another --out (Crest never writes over an earlier run)\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), ["notes.txt"])
    }

    func testNoFeasibleLevelExitsWith3() throws {
        let result = try CrestBinary.run(["sweep", "--levels", "1,2", "--budget", "e2e.p95<=100ms", "--requests-per-level", "50", "--out", "none"], in: workspace)
        XCTAssertEqual(result.status, 3, result.standardError)
        XCTAssertTrue(result.standardOutput.contains("No recommendation: No level met the budget."))
    }

    // Prefill steps stall every running decode: ITL's tail, not TPOT, is what binds a p99 budget.
    func testAnITLBudgetFindsTheLevelWherePrefillStallsBreakIt() throws {
        let result = try CrestBinary.run(["sweep", "--budget", "itl.p99<=150ms", "--json", "--out", "itl"], in: workspace)
        XCTAssertEqual(result.status, 0, result.standardError)
        let recommendation = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as! [String: Any]
        XCTAssertEqual(recommendation["binding_constraint"] as? String, "itl.p99<=150ms")
        let rows = try csvRows(workspace.appendingPathComponent("itl/levels.csv"))
        for row in rows {
            let mean = try XCTUnwrap(Double(row["itl_mean"] ?? ""), "every simulated level records ITL when the budget needs it")
            XCTAssertEqual(mean, Double(row["tpot_mean"]!)!, accuracy: 0.0005, "a request's mean gap is its TPOT; pooled, nearly so")
            XCTAssertLessThanOrEqual(Double(row["itl_p50"]!)!, Double(row["itl_p99"]!)!)
        }
        let firstSample = try String(contentsOf: workspace.appendingPathComponent("itl/samples.jsonl"), encoding: .utf8).split(separator: "\n")[0]
        XCTAssertTrue(firstSample.contains("\"itl_ns\":["), String(firstSample.prefix(300)))
    }

    func testHelpListsTheOptionsAndPresets() throws {
        let help = try CrestBinary.run(["sweep", "--help"], in: workspace)
        XCTAssertEqual(help.status, 0)
        for text in ["--budget EXPR", "--levels LIST", "--max-error-rate", "hosted-claude-instant", "EXIT CODES"] {
            XCTAssertTrue(help.standardOutput.contains(text), text)
        }
        let top = try CrestBinary.run(["--help"], in: workspace)
        XCTAssertEqual(top.status, 0)
        XCTAssertTrue(top.standardOutput.contains("sweep"))
    }

    func testJSONOutputIsTheRecommendation() throws {
        let result = try CrestBinary.run(["sweep", "--levels", "1,2", "--requests-per-level", "50", "--json", "--out", "j"], in: workspace)
        XCTAssertEqual(result.status, 0, result.standardError)
        let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        XCTAssertEqual(object?["concurrency"] as? Int, 2)
        XCTAssertEqual(object?["feasible"] as? Bool, true)
    }
}

extension SweepCommandTests {
    func testSearchOptionsAndTheirConflicts() throws {
        let budgeted = try CrestBinary.run(["sweep", "--max-requests", "300", "--out", "small", "--json"], in: workspace)
        XCTAssertEqual(budgeted.status, 0, budgeted.standardError)
        let steps = try String(contentsOf: workspace.appendingPathComponent("small/search.jsonl"), encoding: .utf8).split(separator: "\n")
        let last = try JSONSerialization.jsonObject(with: Data(steps.last!.utf8)) as! [String: Any]
        let spent = try XCTUnwrap(last["cumulative_requests"] as? Int)
        XCTAssertLessThan(spent, 300 + 600, "the search stops once its budget is spent (a level in progress finishes)")
        let report = try String(contentsOf: workspace.appendingPathComponent("small/report.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("Stopped: the total budget ran out before the answer was confirmed."), report)
    }
}
