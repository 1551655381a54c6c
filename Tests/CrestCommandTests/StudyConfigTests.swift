import Crest
import Foundation
import XCTest

@testable import crest

/// The study file read as values, in process: its budget and prices are typed, and a mistake
/// names the file and the field before any sweep starts.
final class StudyConfigTests: XCTestCase {
    private func read(_ json: String) throws -> StudyConfig {
        let path = NSTemporaryDirectory() + "study-\(UUID().uuidString).json"
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try StudyConfig.read(path: path)
    }

    private func refusal(_ json: String) -> String {
        do {
            _ = try read(json)
            return "accepted"
        } catch {
            return "\(error)".components(separatedBy: ".json: ").last ?? ""
        }
    }

    func testTheBudgetAndPricesAreValues() throws {
        let config = try read(#"""
            {"budget": ["e2e.p95<=20s", "ttft.p99<=2s"], "max_error_rate": "0.5%", "requests_per_minute": 600,
             "targets": [{"target": "sim:l4-llama3-8b", "label": "l4", "price_per_hour": 0.8}], "datasets": ["en_1-500"]}
            """#)
        XCTAssertEqual(config.budget.description, "e2e.p95<=20s AND ttft.p99<=2s AND errors<=0.5%")
        XCTAssertEqual(config.targets[0].pricePerHour, 0.8)
        XCTAssertEqual(config.targets[0].identity, ["--target", "sim:l4-llama3-8b"])
        let one = try read(#"{"budget": "e2e.mean<=5s", "targets": [{"url": "http://h:1", "model": "m", "label": "x"}], "datasets": ["d"]}"#)
        XCTAssertEqual(one.budget.description, "e2e.mean<=5s AND errors<=1%")
        XCTAssertEqual(one.targets[0].identity, ["--url", "http://h:1", "--model", "m"])
    }

    func testAMistakeNamesTheField() {
        let target = #""targets": [{"target": "sim:a100-llama3-8b", "label": "a"}], "datasets": ["en_1-500"]"#
        XCTAssertEqual(refusal(#"{"budget": 5, \#(target)}"#), #"field 'budget': expected a budget expression or a list of them, such as ["e2e.p95<=20s"]"#)
        XCTAssertTrue(refusal(#"{"budget": "e2e.p95<20s", \#(target)}"#).hasPrefix("field 'budget': 'e2e.p95<20s': the comparison must be '<='"))
        XCTAssertEqual(refusal(#"{"budget": "e2e.p95<=20s", "max_error_rate": "lots", \#(target)}"#), "field 'max_error_rate': 'lots': expected a percentage such as '1%' or '0.5%', or a fraction such as 0.01, between 0 and 100%")
        XCTAssertEqual(refusal(#"{"budget": "e2e.p95<=20s", "targets": [{"label": "a"}], "datasets": ["x"]}"#), "field 'targets[0]': expected a 'target' (sim:PRESET) or a 'url'")
        XCTAssertEqual(refusal(#"{"budget": "e2e.p95<=20s", "targets": [{"target": "sim:x"}], "datasets": ["x"]}"#), "field 'targets[0].label' is missing")
        XCTAssertEqual(
            refusal(#"{"budget": "e2e.p95<=20s", "targets": [{"target": "sim:x", "label": "a", "price_per_hour": "cheap"}], "datasets": ["x"]}"#),
            "field 'targets[0].price_per_hour': expected a number")
        XCTAssertEqual(refusal("[1]"), "not a JSON object")
    }

    func testAStudySetsWhatItsOptionsCannot() {
        let pair = SweepCommand.StudyPair(label: "a", dataset: "en_1-500", folder: "out", budget: Budget(latency: [], maxErrorRate: 0.01), pricing: nil)
        XCTAssertThrowsError(try SweepCommand(arguments: ArgumentList(["--budget", "e2e.p99<=1s"]), environment: [:], study: pair)) { error in
            XCTAssertTrue("\(error)".hasPrefix("--budget in a study's options: the study file sets it"), "\(error)")
        }
        let priced = SweepCommand.StudyPair(label: "a", dataset: "d", folder: "out", budget: Budget(latency: [], maxErrorRate: 0.01), pricing: .hourly(usdPerHour: 1, instances: 1))
        XCTAssertThrowsError(try SweepCommand(arguments: ArgumentList(["--price-per-hour", "2"]), environment: [:], study: priced))
        XCTAssertEqual(try SweepCommand(arguments: ArgumentList(["--seed", "9"]), environment: [:], study: priced).outputFolder, "out")
    }
}
