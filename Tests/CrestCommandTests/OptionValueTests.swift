import XCTest

@testable import crest

/// Every option value a command refuses is named with the option and the value given, in one
/// wording per kind of value, whichever command reads it. Parsed in process: no child needed.
final class OptionValueTests: XCTestCase {
    private func refusal(_ parse: () throws -> Any) -> String {
        do {
            _ = try parse()
            return "accepted"
        } catch {
            return "\(error)"
        }
    }

    private func sweep(_ arguments: [String]) -> String { refusal { try SweepCommand(arguments: ArgumentList(arguments), environment: [:]) } }

    func testEachRefusalNamesTheOptionAndItsValue() {
        let cases: [(String, String)] = [
            (sweep(["--levels", "0,2"]), "--levels '0,2': '0' is not a whole number above zero"),
            (sweep(["--budget", "e2e.p95<20s"]), "--budget 'e2e.p95<20s': the comparison must be '<='"),
            (sweep(["--max-error-rate", "200%"]), "--max-error-rate '200%': expected a percentage"),
            (sweep(["--max-concurrency", "-3"]), "--max-concurrency '-3': expected a whole number from 1 to 100000"),
            (sweep(["--max-time", "soon"]), "--max-time 'soon': expected a duration above zero"),
            (refusal { try CompareCommand(arguments: ArgumentList(["a", "b", "--requests-per-minute", "0"])) },
             "--requests-per-minute '0': expected a number above zero"),
            (refusal { try RecommendCommand(arguments: ArgumentList(["results/x", "--budget", "e2e.p95<=fast"])) }, "--budget 'e2e.p95<=fast':"),
            (refusal { try ServeCommand(arguments: ArgumentList(["--port", "70000"])) }, "--port '70000': expected a port number from 0 to 65535"),
            (refusal { try ServeCommand(arguments: ArgumentList(["--concurrency-cap", "x"])) }, "--concurrency-cap 'x': expected a whole number from 1 to 100000"),
        ]
        for (message, expected) in cases {
            XCTAssertTrue(message.hasPrefix(expected), "\(message) does not start with \(expected)")
        }
    }

    func testASeedIsRefusedInOneWordingByEveryCommand() {
        let expected = "--seed 'x': expected a whole number from 0 to 18446744073709551615"
        XCTAssertEqual(sweep(["--seed", "x"]), expected)
        XCTAssertEqual(refusal { try ServeCommand(arguments: ArgumentList(["--seed", "x"])) }, expected)
        XCTAssertEqual(refusal { try DatasetsCommand(arguments: ArgumentList(["generate", "--seed", "x"])) }, expected)
    }

    func testEveryCommandsHelpListsItsOptionsAndExitCodes() {
        let usages: [(String, String)] = [
            ("sweep", SweepCommand.usage), ("report", ReportCommand.usage), ("recommend", RecommendCommand.usage),
            ("compare", CompareCommand.usage), ("datasets", DatasetsCommand.usage), ("serve", ServeCommand.usage),
        ]
        for (name, usage) in usages {
            XCTAssertTrue(usage.contains("\nEXIT CODES\n  0 "), "crest \(name) --help lists its exit codes")
            XCTAssertTrue(usage.contains("  --"), "crest \(name) --help lists its options")
        }
        XCTAssertTrue(ReportCommand.usage.contains("\nOPTIONS\n"))
    }
}
