import CrestTestSupport
import Foundation
import XCTest

/// `crest sweep --url` against endpoints that answer every request wrongly, as a user runs it.
/// Regression tests: an endpoint answering 200 and an HTML page to everything once got a
/// "certified" recommendation at 704,323 transactions a minute and exit 0.
final class FaultyEndpointCommandTests: WorkspaceTestCase {
    private func sweep(_ url: String, _ extra: [String] = [], out: String) throws -> CrestBinary.Result {
        try CrestBinary.run(
            ["sweep", "--url", url, "--model", "m", "--dataset", "en_1-500", "--max-tokens", "16", "--out", out] + extra, in: workspace)
    }

    func testAnEndpointThatAnswersGarbageStopsTheSweepWithExit3AndShowsWhatItSaid() throws {
        let cases: [(name: String, answer: FaultyServer.Answer, extra: [String], shown: String)] = [
            ("html", FaultyServer.htmlPage, [], "Welcome to nginx!"),
            ("html-tgi", FaultyServer.htmlPage, ["--api", "tgi"], "Welcome to nginx!"),
            ("html-completions", FaultyServer.htmlPage, ["--api", "openai-completions"], "Welcome to nginx!"),
            ("html-whole", FaultyServer.htmlPage, ["--no-stream"], "Welcome to nginx!"),
            ("empty", FaultyServer.emptyBody, [], "no event with data"),
            ("error-object", FaultyServer.errorObject, [], "model overloaded"),
            ("only-done", FaultyServer.onlyDone, [], "no event with data"),
            ("text-events", FaultyServer.textEvents, [], "not a JSON object"),
            ("nothing-generated", FaultyServer.emptyChatStream, [], "empty_completion"),
        ]
        for (name, answer, extra, shown) in cases {
            // The first request is answered well, so the pre-flight passes and a level meets the garbage.
            let server = try FaultyServer(answer, healthyFirst: 1)
            defer { server.stop() }
            let result = try sweep(server.url, extra, out: name)
            XCTAssertEqual(result.status, 3, "\(name): \(result.standardError)")
            XCTAssertTrue(result.standardError.contains("carried no answer to measure"), "\(name): \(result.standardError)")
            XCTAssertTrue(result.standardError.contains(shown), "\(name): \(result.standardError)")
            XCTAssertEqual(result.standardOutput, "", "\(name): no summary, no recommendation")
            let folder = workspace.appendingPathComponent(name)
            XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("recommendation.json").path), name)
            let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("run.json"))) as! [String: Any]
            XCTAssertEqual(manifest["stop_reason"] as? String, "unusable_responses", name)
            let report = try text("\(name)/report.md")
            XCTAssertTrue(report.contains("## Failures"), "\(name): the report shows what the endpoint answered")
            XCTAssertTrue(report.contains("No level is recommended"), name)
            // Only the first level was measured: the sweep stopped there.
            XCTAssertEqual(try text("\(name)/search.jsonl").split(separator: "\n").count, 1, name)
        }
    }

    /// Garbage from the first request: the pre-flight stops the run at once, with exit 3, what the
    /// endpoint said and what to check, before any level or folder.
    func testAnEndpointInAnotherAPIsShapeIsStoppedByThePreflight() throws {
        for (name, answer, extra, shown, fault) in [
            ("html", FaultyServer.htmlPage, [String](), "Welcome to nginx!", "malformed_sse"), ("text-tgi", FaultyServer.textEvents, ["--api", "tgi"], "not a JSON object", "malformed_json"),
        ] {
            let server = try FaultyServer(answer)
            defer { server.stop() }
            let result = try sweep(server.url, extra, out: name)
            XCTAssertEqual(result.status, 3, "\(name): \(result.standardError)")
            XCTAssertTrue(result.standardError.contains("failed before any level was measured (\(fault))"), "\(name): \(result.standardError)")
            XCTAssertTrue(result.standardError.contains(shown), "\(name): \(result.standardError)")
            XCTAssertTrue(result.standardError.contains("does not answer in the shape of --api"), "\(name): \(result.standardError)")
            XCTAssertEqual(server.requests.count, 1, "\(name): one request, no level")
            XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.appendingPathComponent(name).path), name)
        }
    }

    func testARedirectIsNeitherFollowedNorMeasured() throws {
        let elsewhere = try FaultyServer(FaultyServer.emptyChatStream)
        defer { elsewhere.stop() }
        let redirecting = try FaultyServer(.whole(
            status: 307, contentType: "text/plain", body: "", fields: ["Location": "\(elsewhere.url)/v1/chat/completions"]))
        defer { redirecting.stop() }
        for client in ["epoll", "urlsession"] {
            let result = try sweep(redirecting.url, ["--client", client], out: "redirect-\(client)")
            XCTAssertEqual(result.status, 3, "\(client): \(result.standardError)")
            XCTAssertTrue(result.standardError.contains("http_3xx"), "\(client): \(result.standardError)")
            XCTAssertTrue(result.standardError.contains("redirected to \(elsewhere.url)/v1/chat/completions"), "\(client): \(result.standardError)")
        }
        XCTAssertEqual(elsewhere.requests.count, 0)
    }

    func testAnEndlessResponseIsCutOffAndTheSweepStopsWithExit3() throws {
        for (flood, extra, shown) in [(FloodServer.Flood.endlessLine, [String](), "passed 1 MiB"), (.hugeBody, ["--no-stream"], "passed 8 MiB")] {
            let server = try FloodServer(flood)
            defer { server.stop() }
            let result = try sweep(server.url, extra, out: "flood-\(flood)")
            XCTAssertEqual(result.status, 3, "\(flood): \(result.standardError)")
            // Cut off at the limit it names, not at the 300 s request timeout (which would say so).
            XCTAssertTrue(result.standardError.contains(shown), "\(flood): \(result.standardError)")
            XCTAssertFalse(result.standardError.contains("request timeout"), "\(flood): \(result.standardError)")
        }
    }

    /// Behind a quota of one request with a Retry-After of an hour, concurrency 2 once ran at 0.999
    /// requests in flight and was recommended.
    func testALevelHeldBackByRetryAfterIsNotRecommended() throws {
        let server = try FaultyServer(.quota(concurrent: 1, retryAfter: "3600"))
        defer { server.stop() }
        let result = try sweep(server.url, ["--levels", "1,2", "--requests-per-level", "40", "--max-error-rate", "20%"], out: "quota")
        XCTAssertEqual(result.status, 0, result.standardError)
        let recommendation = try JSONSerialization.jsonObject(with: Data(contentsOf: workspace.appendingPathComponent("quota/recommendation.json"))) as! [String: Any]
        XCTAssertEqual(recommendation["concurrency"] as? Int, 1)
        let rows = try text("quota/levels.csv").split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let detail = try XCTUnwrap(rows[0].firstIndex(of: "verdict_detail"))
        XCTAssertEqual(rows[2][0], "2")
        XCTAssertEqual(rows[2][detail], "held back")
        XCTAssertTrue(result.standardOutput.contains("infeasible (held back)"), result.standardOutput)
    }

    /// `crest serve --faults PLAN` over real HTTP: every injected fault lands in its own levels.csv
    /// column and the report, and each outcome's column is the sum of its faults' columns.
    func testInjectedFaultsAreCountedEachInItsOwnColumn() throws {
        let plan = workspace.appendingPathComponent("faults.json")
        try Data(#"{"faults": {"reset": 0.04, "close": 0.04, "stall": "4%", "malformed_json": 0.04, "truncated_sse": 0.04, "error_event": 0.04, "http_429": 0.04, "no_usage": 0.1}, "after_tokens": 1}"#.utf8)
            .write(to: plan)
        let (server, url) = try CrestBinary.startServe(["--faults", plan.path], in: workspace)
        defer {
            server.interrupt()
            server.waitUntilExit()
        }
        let result = try sweep(url, ["--levels", "4", "--requests-per-level", "150", "--max-error-rate", "50%", "--stall-timeout", "1s"], out: "injected")
        // Recommended or not (clients waiting out Retry-After and stalls may hold the level back), it was measured.
        XCTAssertTrue([0, 3].contains(result.status), result.standardError)
        let rows = try text("injected/levels.csv").split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        func count(_ column: String) throws -> Int {
            let index = try XCTUnwrap(rows[0].firstIndex(of: column), column)
            return try XCTUnwrap(Int(rows[1][index]), column)
        }
        for column in ["errors_connection_reset", "errors_connection_closed", "errors_stream_stalled", "errors_malformed_json", "errors_malformed_sse",
                       "errors_error_event", "errors_http_429", "retry_after_waits", "successes_without_usage"] {
            XCTAssertGreaterThan(try count(column), 0, column)
        }
        XCTAssertEqual(try count("errors_transport"), try count("errors_connection_reset") + count("errors_connection_closed"))
        XCTAssertEqual(try count("errors_timeout"), try count("errors_stream_stalled"))
        XCTAssertEqual(try count("errors_malformed"), try count("errors_malformed_json") + count("errors_malformed_sse"))
        XCTAssertEqual(try count("errors_http_5xx"), try count("errors_error_event"))
        XCTAssertEqual(try count("retry_after_waits"), try count("errors_http_429"))
        XCTAssertEqual(try count("errors"), try ["errors_transport", "errors_timeout", "errors_malformed", "errors_http_5xx", "errors_http_429"].map(count).reduce(0, +))
        let report = try text("injected/report.md")
        for category in ["connection_reset", "connection_closed", "stream_stalled", "malformed_json", "malformed_sse", "error_event"] {
            XCTAssertTrue(report.contains(category), category)
        }
    }

    func testABadFaultPlanIsRefusedNamingTheFileAndTheField() throws {
        let plan = workspace.appendingPathComponent("bad-faults.json")
        for (body, shown) in [
            (#"{"faults": {"reset": 2}}"#, "field 'faults.reset': expected a share from 0 to 1"),
            (#"{"faults": {"sparks": 0.1}}"#, "field 'faults.sparks': expected a fault name"),
            (#"{"faults": {"reset": 0.6, "stall": 0.6}}"#, "field 'faults': expected shares that add up to at most 1"),
            (#"{"faults": {"reset": 0.1}, "after_tokens": -1}"#, "field 'after_tokens'"),
            (#"{"faults": {"reset": 0.1}, "first_token_delay": "soon"}"#, "field 'first_token_delay'"),
            ("[1, 2", "expected a JSON object"),
        ] {
            try Data(body.utf8).write(to: plan)
            let result = try CrestBinary.run(["serve", "--port", "0", "--faults", plan.path], in: workspace)
            XCTAssertEqual(result.status, 2, body)
            XCTAssertTrue(result.standardError.contains(plan.path), "\(body): \(result.standardError)")
            XCTAssertTrue(result.standardError.contains(shown), "\(body): \(result.standardError)")
        }
        let result = try CrestBinary.run(["serve", "--port", "0", "--fault", "reset=150%"], in: workspace)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.standardError.contains("--fault 'reset=150%'"), result.standardError)
    }
}
