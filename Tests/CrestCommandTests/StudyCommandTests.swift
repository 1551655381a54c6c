import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest

/// Studies (`crest sweep --config`) and `crest compare`, as a user runs them.
final class StudyCommandTests: WorkspaceTestCase {
    func testTheExampleStudySweepsEveryPairAndComparesThem() throws {
        let result = try CrestBinary.run(["sweep", "--config", "datasets/studies/two-presets.json", "--out", "study"], in: workspace)
        XCTAssertEqual(result.status, 0, result.standardError)
        for pair in ["a100-en_1-500", "a100-en_500-1000", "l4-en_1-500", "l4-en_500-1000"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: workspace.appendingPathComponent("study/\(pair)/levels.csv").path), pair)
        }
        let report = try text("study/comparison/report.md")
        XCTAssertEqual(report.components(separatedBy: "The best option for staying within a latency budget").count - 1, 4, report)
        // The per-instance table of the reference report, one row per pair.
        XCTAssertTrue(report.contains("| `en_500-1000` | `l4` | The best option"), report)
        XCTAssertTrue(report.contains("Best price-performance for `en_1-500`: `a100`"), report)
        XCTAssertTrue(report.contains("## Capacity for 600 requests per minute"), report)
        // Capacity: whole instances, each at its recommended level's throughput, at the pair's price.
        var checked = 0
        for line in report.split(separator: "\n") where line.hasPrefix("| en_") && line.contains("$") && !line.contains("none") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 7, let tpm = Double(cells[3]) else { continue }
            let instances = Int((600 / tpm).rounded(.up))
            let price = cells[1].hasPrefix("a100") ? 4.1 : 0.8
            let hourly = NumberFormatterForTests.significant(Double(instances) * price)
            XCTAssertTrue(report.contains("| \(cells[0]) | \(cells[1].replacingOccurrences(of: " ◀ best", with: "")) | \(instances) | $\(hourly) |"), "\(line)\n\(report)")
            checked += 1
        }
        XCTAssertEqual(checked, 4, "every pair met the budget and was planned")
        for plot in ["compare-throughput.svg", "compare-latency.svg", "price-performance.svg"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: workspace.appendingPathComponent("study/comparison/plots/\(plot)").path), plot)
        }
        XCTAssertTrue(try text("study/comparison/report.html").contains("<h2>Plots</h2>"))

        // The overlaid plots, read back as XML: one point per measured level of every sweep, the
        // budget line, and one price-performance point per pair.
        let levels = try ["a100-en_1-500", "a100-en_500-1000", "l4-en_1-500", "l4-en_500-1000"].map {
            try text("study/\($0)/levels.csv").split(separator: "\n").count - 1
        }
        func count(_ plot: String, _ className: String) throws -> Int {
            let svg = try XMLDocument(xmlString: try text("study/comparison/plots/\(plot)"))
            return try svg.nodes(forXPath: "//*[contains(concat(' ', @class, ' '), ' \(className) ')]").count
        }
        XCTAssertEqual(try count("compare-throughput.svg", "point"), levels.reduce(0, +))
        XCTAssertEqual(try count("compare-latency.svg", "point"), levels.reduce(0, +))
        XCTAssertEqual(try count("compare-latency.svg", "reference"), 1, "the budget line")
        XCTAssertEqual(try count("price-performance.svg", "point"), 4)
    }

    func testCompareNeedsOneBudgetAndTwoFolders() throws {
        XCTAssertEqual(try CrestBinary.run(["sweep", "--levels", "1,4", "--requests-per-level", "40", "--out", "a"], in: workspace).status, 0)
        XCTAssertEqual(try CrestBinary.run(["sweep", "--levels", "1,4", "--requests-per-level", "40", "--budget", "e2e.p95<=3s", "--out", "b"], in: workspace).status, 3)
        let differing = try CrestBinary.run(["compare", "a", "b"], in: workspace)
        XCTAssertEqual(differing.status, 2)
        XCTAssertTrue(differing.standardError.contains("different budgets"), differing.standardError)
        let common = try CrestBinary.run(["compare", "a", "b", "--budget", "e2e.p95<=20s", "--out", "cmp"], in: workspace)
        XCTAssertEqual(common.status, 0, common.standardError)
        XCTAssertTrue(try text("cmp/report.md").contains("Every sweep is judged under one budget: `e2e.p95<=20s AND errors<=1%`"))
        XCTAssertEqual(try CrestBinary.run(["compare", "a"], in: workspace).status, 2)
    }

    /// A dataset named by a path with '..' once wrote its sweep's folder outside the study's.
    func testEverySweepOfAStudyStaysInsideItsFolder() throws {
        let deep = workspace.appendingPathComponent("a/b/c")
        try FileManager.default.createDirectory(at: deep, withIntermediateDirectories: true)
        try #"{"budget": ["e2e.p95<=20s"], "datasets": ["../../../datasets/en_1-500.jsonl"], "targets": [{"target": "sim:a100-llama3-8b", "label": "a100"}], "options": ["--levels", "1,4", "--requests-per-level", "20"]}"#
            .write(to: deep.appendingPathComponent("study.json"), atomically: true, encoding: .utf8)
        let result = try CrestBinary.run(["sweep", "--config", "study.json", "--out", "study"], in: deep)
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(FileManager.default.fileExists(atPath: deep.appendingPathComponent("study/a100-en_1-500/levels.csv").path))
        // Where the unchecked path led: a/b/datasets/en_1-500.jsonl/, beside the study.
        XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.appendingPathComponent("a/b/datasets").path))
    }

    func testAStudyFileMistakeNamesTheField() throws {
        let path = workspace.appendingPathComponent("bad.json")
        try #"{"budget": ["e2e.p95<=20s"], "datasets": ["en_1-500"], "targets": [{"label": "x"}]}"#.write(to: path, atomically: true, encoding: .utf8)
        let result = try CrestBinary.run(["sweep", "--config", "bad.json"], in: workspace)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.standardError.contains("bad.json: field 'targets[0]': expected a 'target' (sim:PRESET) or a 'url'"), result.standardError)
    }
}

/// "3.2", "4.1", "8.8": how the capacity table writes whole-cent prices here.
enum NumberFormatterForTests {
    static func significant(_ value: Double) -> String {
        let rounded = (value * 1000).rounded() / 1000
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
