import Crest
import Foundation
import XCTest
@testable import CrestReport
import CrestTestSupport

final class SweepReportTests: XCTestCase {
    private func input(levels points: [(Int, Double, Double)], budgetSeconds: Double = 10) throws -> SweepReportInput {
        try ReportFixtures.input(levels: points, budgetSeconds: budgetSeconds)
    }

    // Every section and field of ../reference/fmbench-style-report.md is present.
    func testCarriesEverySectionOfTheReferenceReport() throws {
        let markdown = MarkdownRenderer.render(SweepReport(try input(levels: [(1, 2.0, 2.03), (2, 1.1, 2.2), (4, 0.7, 12)])))
        for heading in ["# Results for performance benchmarking", "**Last modified (UTC): 2023-11-14T22:13:20Z**", "## Summary", "## Per instance results", "## Results per concurrency level", "## How the search went", "## Method"] {
            XCTAssertTrue(markdown.contains(heading), heading)
        }
        for field in ["experiment_name", "payload_file", "instance_type", "concurrency", "error_rate", "prompt_token_count_mean", "prompt_token_throughput", "completion_token_count_mean", "completion_token_throughput", "latency_mean", "transactions_per_minute", "price_per_txn", "price_per_hour"] {
            XCTAssertTrue(markdown.contains("| \(field) |"), field)
        }
        XCTAssertTrue(markdown.contains("| price_per_hour | [{'input-per-1k-tokens': 0.0008}, {'output-per-1k-tokens': 0.0024}] |"))
        XCTAssertTrue(markdown.contains("| experiment_name | instance_type | duration_in_seconds | cost |"))
        XCTAssertTrue(markdown.contains("The total cost for running all experiments is $"))
        XCTAssertTrue(markdown.contains("| Dataset | Instance type | Recommendation |"))
        XCTAssertTrue(markdown.contains("The best option for staying within a latency budget of `e2e.p95<=10s AND errors<=1%` on a `ClaudeInstant-ODT` for the `en_1000-2000.jsonl` dataset is a `concurrency level of 2`. A concurrency level of 2 achieves an `average latency of 1.99 seconds`"), "0.94 × 1.98 s + 0.06 × 2.2 s")
        XCTAssertTrue(markdown.contains("| **2** ◀ |"), "the recommendation is marked in the per-level table")
        XCTAssertTrue(markdown.contains("| 4 | 100 | 0 | 0% |"), markdown)
    }

    func testSaysSoWhenNoLevelMeetsTheBudget() throws {
        let report = SweepReport(try input(levels: [(1, 2.0, 12), (2, 1.1, 14)]))
        XCTAssertTrue(report.summary.contains("no concurrency level tried met the budget"))
        XCTAssertTrue(report.perInstance.rows[0][2].hasPrefix("Did not find any concurrency level"))
        XCTAssertTrue(report.information.contains { $0.field == "verdict" })
    }

    func testConsoleSummaryMarksTheRecommendation() throws {
        let text = ConsoleSummary.render(try input(levels: [(1, 2.0, 2.03), (2, 1.1, 2.2), (4, 0.7, 12)]), resultsFolder: "results/x")
        let lines = text.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains { $0.contains("▶ 2") && $0.hasSuffix("feasible") })
        XCTAssertTrue(lines.contains { $0.hasPrefix("Recommendation: Concurrency 2 meets the budget") })
        XCTAssertTrue(lines.last!.hasPrefix("Results: results/x/"))
    }

    // The search's one-line story counts in words a person would write: "1 measurement of 1 level".
    func testTheSearchStoryCountsInTheSingularToo() throws {
        XCTAssertTrue(SearchStory.lines(try input(levels: [(1, 2.0, 12)]))[0].hasPrefix("1 measurement of 1 level, "))
        XCTAssertTrue(SearchStory.lines(try input(levels: [(1, 2.0, 2.03), (2, 1.1, 2.2)]))[0].hasPrefix("2 measurements of 2 levels, "))
    }

    func testMarkdownTablesEscapePipes() {
        let table = MarkdownTable(header: ["a", "b"], rows: [["x|y", "z"]], rightAligned: [1])
        XCTAssertEqual(table.text, "| a | b |\n|---|---:|\n| x\\|y | z |\n")
    }
}
