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
        for (name, answer, extra, shown) in [("html", FaultyServer.htmlPage, [String](), "Welcome to nginx!"), ("text-tgi", FaultyServer.textEvents, ["--api", "tgi"], "not a JSON object")] {
            let server = try FaultyServer(answer)
            defer { server.stop() }
            let result = try sweep(server.url, extra, out: name)
            XCTAssertEqual(result.status, 3, "\(name): \(result.standardError)")
            XCTAssertTrue(result.standardError.contains("failed before any level was measured (malformed)"), "\(name): \(result.standardError)")
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
}
