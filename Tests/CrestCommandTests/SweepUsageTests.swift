import XCTest

@testable import crest

/// `crest sweep` refuses bad options while parsing, before any request or folder: each mistake
/// with its message and exit code 2, as `CommandLineTool` reports it. In process: the parse is
/// what is tested, and a child process would add only its start-up.
final class SweepUsageTests: XCTestCase {
    private func refusal(_ arguments: [String]) -> (message: String, code: ExitCode)? {
        do {
            _ = try SweepCommand(arguments: ArgumentList(arguments), environment: [:])
            return nil
        } catch {
            let (message, code) = CommandLineTool.describe(error)
            return (message, code)
        }
    }

    func testEachMistakeIsNamedAndExitsWith2() {
        let cases: [([String], String)] = [
            (["--dataset"], "--dataset needs a value"),
            (["--target", "sim:tpu"], "unknown preset; known: a100-llama3-8b, h100-llama3-8b, h200-llama3-8b, l4-llama3-8b, a100-r1-distill-llama-8b, hosted-claude-instant"),
            (["--url", "http://127.0.0.1:9", "--model", "m", "--no-stream", "--budget", "itl.p99<=50ms"], "an ITL budget needs the gaps between streamed chunks"),
            (["--requests-per-level", "100"], "--requests-per-level and --duration-per-level go with --levels; the adaptive search sizes each level itself"),
            // Values that once passed: a budget smaller than any search (it spent 40 requests), a
            // port past 65535, a hexadecimal duration read as 16 s.
            (["--max-requests", "1"], "--max-requests 1: the search's first level alone needs 40 requests"),
            (["--url", "http://127.0.0.1:99999", "--model", "m"], "port 99999 is not a TCP port (1 to 65535)"),
            (["--timeout", "0x10s"], "--timeout '0x10s': expected a duration above zero"),
            (["--price-per-hour", "0x10"], "--price-per-hour '0x10': expected a price in USD"),
        ]
        for (arguments, expected) in cases {
            guard let refused = refusal(arguments) else {
                XCTFail("\(arguments) was accepted")
                continue
            }
            XCTAssertEqual(refused.code, .usage, "\(arguments): \(refused.message)")
            XCTAssertTrue(refused.message.contains(expected), "\(arguments): \(refused.message)")
        }
    }
}
