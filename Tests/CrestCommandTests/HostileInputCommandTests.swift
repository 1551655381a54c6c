import Foundation
import XCTest

/// Issue 15's hostile pass, each finding a regression test: numbers past any sensible range, a
/// results folder edited by hand, and an interrupted sweep read back. Every one must end in exit
/// 2 (or 3) with the file, line and field or the flag, never a trap (exit by signal 4).
final class HostileInputCommandTests: WorkspaceTestCase {
    private func expectUsageError(_ arguments: [String], _ message: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try CrestBinary.run(arguments, in: workspace)
        XCTAssertEqual(result.status, 2, "\(arguments): \(result.standardError)", file: file, line: line)
        XCTAssertTrue(result.standardError.contains(message), "\(arguments): \(result.standardError)", file: file, line: line)
    }

    func testNumbersPastTheirRangeAreUsageErrorsThatNameTheRange() throws {
        let cases: [([String], String)] = [
            (["sweep", "--budget", "e2e.p95<=99999999999999999999999s"], "longer than any latency a budget takes (at most 720h)"),
            (["sweep", "--levels", "9223372036854775807"], "more clients than a level may have (at most 100000)"),
            (["sweep", "--levels", "1,100001"], "'100001' is more clients than a level may have"),
            (["sweep", "--max-time", "1e30s"], "expected a duration above zero and at most 720h"),
            (["sweep", "--levels", "1", "--duration-per-level", "1000h"], "--duration-per-level '1000h': expected a duration above zero and at most 720h"),
            (["sweep", "--max-concurrency", "1000000"], "--max-concurrency '1000000': expected a whole number from 1 to 100000"),
            (["sweep", "--max-requests", "99999999999999999999"], "--max-requests '99999999999999999999': expected a whole number from 1 to 1000000000"),
            (["sweep", "--levels", "1", "--requests-per-level", "10000001"], "expected a whole number from 1 to 10000000"),
            (["sweep", "--max-tokens", "99999999999"], "--max-tokens '99999999999': expected a whole number from 1 to 16777216"),
            (["sweep", "--price-per-hour", "1e20"], "expected a price in USD from 0 to 10000"),
            (["serve", "--concurrency-cap", "100001"], "expected a whole number from 1 to 100000"),
            (["serve", "--retry-after", "721h"], "at most 720h"),
        ]
        for (arguments, message) in cases { try expectUsageError(arguments, message) }
    }

    func testADatasetLineWithAHugeTokenCountNamesTheLineAndField() throws {
        try #"{"inputs":"hello","prompt_tokens":9223372036854775807}"#.write(to: workspace.appendingPathComponent("huge.jsonl"), atomically: true, encoding: .utf8)
        try expectUsageError(["sweep", "--dataset", "huge.jsonl"], "huge.jsonl:1: field 'prompt_tokens': expected a whole number from 1 to 16777216")
        try #"{"inputs":"hello","max_tokens":1e300}"#.write(to: workspace.appendingPathComponent("cap.jsonl"), atomically: true, encoding: .utf8)
        try expectUsageError(["sweep", "--dataset", "cap.jsonl"], "cap.jsonl:1: field 'max_tokens'")
    }

    /// A copy of the shipped example folder with `file` changed by `edit`.
    private func edited(_ file: String, _ edit: (String) -> String) throws -> String {
        let name = "edited-\(UUID().uuidString.prefix(8))"
        let copy = workspace.appendingPathComponent(name)
        try FileManager.default.copyItem(at: CrestBinary.packageRoot.appendingPathComponent("results/example"), to: copy)
        let url = copy.appendingPathComponent(file)
        let original = try String(contentsOf: url, encoding: .utf8)
        let changed = edit(original)
        XCTAssertNotEqual(changed, original, "the edit changed nothing in \(file)")
        try changed.write(to: url, atomically: true, encoding: .utf8)
        return name
    }

    func testAResultsFolderEditedByHandIsNamedNeverTrapped() throws {
        func first(_ old: String, _ new: String) -> (String) -> String {
            { text in
                guard let range = text.range(of: old) else { return text }
                return text.replacingCharacters(in: range, with: new)
            }
        }
        let cases: [(String, (String) -> String, String)] = [
            ("samples.jsonl", first(#""level":1,"#, #""level":0,"#), "samples.jsonl:1: field 'level': expected a whole number from 1 to 100000"),
            ("samples.jsonl", first(#""level":1,"#, #""level":-3,"#), "samples.jsonl:1: field 'level'"),
            ("samples.jsonl", first(#""level":1,"#, #""level":9223372036854775807,"#), "samples.jsonl:1: field 'level'"),
            ("samples.jsonl", first(#""level":1,"#, #""level":2,"#), "is of level 2, where search.jsonl's step 1 measured level 1"),
            ("samples.jsonl", first(#""client":0,"#, #""client":-1,"#), "samples.jsonl:1: field 'client'"),
            ("search.jsonl", first(#""concurrency":1,"#, #""concurrency":0,"#), "search.jsonl:1: field 'concurrency': 0 is not the level its run measured"),
            ("search.jsonl", first(#""run":{"abandoned":0,"concurrency":1,"#, #""run":{"abandoned":0,"concurrency":-3,"#),
             "search.jsonl:1: field 'run.concurrency': expected a number from 1 to 100000"),
            ("run.json", first(#""confidence" : 0.95"#, #""confidence" : 5"#), "field 'settings.confidence': expected a number from 0.5 to 0.9999"),
            ("run.json", first(#""confidence" : 0.95"#, #""confidence" : 1"#), "field 'settings.confidence'"),
            ("run.json", first(#""confidence" : 0.95"#, #""confidence" : -1"#), "field 'settings.confidence'"),
            ("run.json", first(#""plateau_tolerance" : 0.02"#, #""plateau_tolerance" : -1"#), "field 'settings.plateau_tolerance': expected a number from 0.0 to 0.5"),
            ("run.json", first(#""seed" : 1"#, #""seed" : -1"#), "field 'settings.seed': expected a whole number from 0 to"),
        ]
        for (file, edit, message) in cases {
            let folder = try edited(file, edit)
            for command in [["report", folder], ["recommend", folder], ["recommend", folder, "--budget", "e2e.p95<=5s"], ["compare", folder, folder]] {
                try expectUsageError(command, message)
            }
        }
    }

    /// An interrupted sweep read back: with no level finished, recommend says there is nothing to
    /// answer from (exit 3, no trap); with some, its answer says it is partial.
    func testRecommendOnAnInterruptedSweepSaysSo() throws {
        let empty = try edited("run.json") { $0.replacingOccurrences(of: #""status" : "finished""#, with: #""status" : "interrupted""#) }
        for file in ["samples.jsonl", "search.jsonl", "recommendation.json", "levels.csv"] {
            try? FileManager.default.removeItem(at: workspace.appendingPathComponent("\(empty)/\(file)"))
        }
        try "".write(to: workspace.appendingPathComponent("\(empty)/samples.jsonl"), atomically: true, encoding: .utf8)
        try "".write(to: workspace.appendingPathComponent("\(empty)/search.jsonl"), atomically: true, encoding: .utf8)
        let nothing = try CrestBinary.run(["recommend", empty], in: workspace)
        XCTAssertEqual(nothing.status, 3, nothing.standardError)
        XCTAssertTrue(nothing.standardOutput.contains("Nothing to answer from: the sweep stopped (interrupted) before it finished a level"), nothing.standardOutput)
        let json = try CrestBinary.run(["recommend", empty, "--json"], in: workspace)
        XCTAssertTrue(json.standardOutput.contains(#""coverage" : "nothing measured""#) && json.standardOutput.contains(#""sweep_status" : "interrupted""#), json.standardOutput)

        let partial = try edited("run.json") { $0.replacingOccurrences(of: #""status" : "finished""#, with: #""status" : "interrupted""#) }
        let answer = try CrestBinary.run(["recommend", partial], in: workspace)
        XCTAssertEqual(answer.status, 0, answer.standardError)
        XCTAssertTrue(answer.standardOutput.contains("Partial: this sweep was interrupted after"), answer.standardOutput)
        let finished = try CrestBinary.run(["recommend", CrestBinary.packageRoot.appendingPathComponent("results/example").path], in: workspace)
        XCTAssertFalse(finished.standardOutput.contains("Partial"), finished.standardOutput)
    }
}
