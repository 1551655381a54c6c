import Crest
import CrestTestSupport
import XCTest
@testable import CrestHTTP

/// What counts as a success, over real HTTP against endpoints that answer every request the same
/// wrong way. Regression tests: each of these answers once counted as `ok` (streaming, the default),
/// and a sweep of such an endpoint was "certified" at 704,323 transactions a minute.
final class ResponseOutcomeTests: XCTestCase {
    private let dataset = Dataset.scripted()

    private func measure(
        _ url: String, api: APIKind = .openAIChat, streaming: Bool = true, route: LiveEndpoint.Route = .epoll, apiKey: String? = nil
    ) async throws -> LevelRun {
        let endpoint = try LiveEndpoint(
            url: url, api: api, model: "m", streaming: streaming, apiKey: apiKey, metricsPath: nil, route: route)
        let measurer = try LiveMeasurer(endpoint: endpoint, dataset: dataset, seed: 1, requestTimeoutSeconds: 5)
        defer { measurer.shutdown() }
        return try await measurer.measure(Level(concurrency: 1), until: .requests(2))
    }

    func testAnswersWithoutGeneratedOutputAreNeverSuccesses() async throws {
        let cases: [(name: String, answer: FaultyServer.Answer, streaming: Bool, outcome: Outcome, shown: String)] = [
            ("HTML page, streamed", FaultyServer.htmlPage, true, .malformed, "Welcome to nginx!"),
            ("HTML page, whole", FaultyServer.htmlPage, false, .malformed, "Welcome to nginx!"),
            ("empty body, streamed", FaultyServer.emptyBody, true, .malformed, "no event with data"),
            ("empty body, whole", FaultyServer.emptyBody, false, .malformed, "the body is empty"),
            ("error object, streamed", FaultyServer.errorObject, true, .malformed, "model overloaded"),
            ("only [DONE]", FaultyServer.onlyDone, true, .malformed, "no event with data"),
            ("text events", FaultyServer.textEvents, true, .malformed, "not a JSON object"),
            ("a stream that generates nothing", FaultyServer.emptyChatStream, true, .emptyCompletion, "no generated text"),
        ]
        for (name, answer, streaming, outcome, shown) in cases {
            let server = try FaultyServer(answer)
            defer { server.stop() }
            for api in APIKind.selfHosted {
                let run = try await measure(server.url, api: api, streaming: streaming)
                XCTAssertFalse(run.samples.isEmpty, "\(name), \(api)")
                XCTAssertEqual(Set(run.samples.map(\.outcome)), [outcome], "\(name), \(api)")
                XCTAssertTrue(run.samples.allSatisfy { $0.completionTokens == 0 }, "\(name), \(api)")
                let example = try XCTUnwrap(run.failureExamples.first { $0.outcome == outcome }, "\(name), \(api)")
                XCTAssertEqual(example.status, 200)
                XCTAssertTrue(example.summary.contains(shown), "\(name), \(api): \(example.summary)")
                XCTAssertNotNil(UnusableResponses.check(run), "\(name), \(api): a level of such answers stops the search")
            }
        }
    }

    func testAnErrorObjectInAWholeAnswerIsTheServersError() async throws {
        let server = try FaultyServer(FaultyServer.errorObject)
        defer { server.stop() }
        let run = try await measure(server.url, streaming: false)
        XCTAssertEqual(Set(run.samples.map(\.outcome)), [.http5xx])
        XCTAssertTrue(run.failureExamples[0].summary.contains("error object"), run.failureExamples[0].summary)
    }

    /// A redirect once took the API key to the host it named, and measured that host: no route
    /// follows one now, and no request reaches the other host.
    func testRedirectsAreNotFollowedAndTheKeyGoesNowhereElse() async throws {
        let elsewhere = try FaultyServer(FaultyServer.emptyChatStream)
        defer { elsewhere.stop() }
        let redirecting = try FaultyServer(.whole(
            status: 307, contentType: "text/plain", body: "moved", fields: ["Location": "\(elsewhere.url)/v1/chat/completions?token=t0k3n"]))
        defer { redirecting.stop() }
        for route in [LiveEndpoint.Route.epoll, .urlSession] {
            let run = try await measure(redirecting.url, route: route, apiKey: "sk-secret-key")
            XCTAssertEqual(Set(run.samples.map(\.outcome)), [.http3xx], "\(route)")
            let example = try XCTUnwrap(run.failureExamples.first, "\(route)")
            XCTAssertEqual(example.status, 307)
            XCTAssertEqual(example.location, "\(elsewhere.url)/v1/chat/completions", "the query, which may hold a token, is dropped")
            XCTAssertTrue(redirecting.requests.allSatisfy { $0.fields["authorization"] == "Bearer sk-secret-key" }, "the named host gets the key")
        }
        XCTAssertEqual(elsewhere.requests.count, 0, "no request, and so no header, went to the host the redirect named")
    }

    func testTheAPIKeyIsTakenOutOfWhatTheEndpointEchoes() async throws {
        let server = try FaultyServer(.echo(status: 401))
        defer { server.stop() }
        let run = try await measure(server.url, apiKey: "sk-secret-key")
        XCTAssertEqual(Set(run.samples.map(\.outcome)), [.http4xx])
        let body = try XCTUnwrap(run.failureExamples.first?.body)
        XCTAssertTrue(body.contains("Bearer [API key]"), body)
        XCTAssertFalse(body.contains("sk-secret-key"), body)
    }
}
