import Crest
import CrestTestSupport
import Foundation
import XCTest
@testable import CrestHTTP

/// `--no-prefix-reuse`: every request starts with its own nonce, so no prefix cache can serve any
/// of it, even when the dataset repeats a prompt; nothing else about the request changes.
final class RequestNonceTests: XCTestCase {
    func testEveryRequestOfTheSamePromptStartsDifferently() async throws {
        let server = try FaultyServer(.quota(concurrent: 100, retryAfter: "1"))
        defer { server.stop() }
        for route in [LiveEndpoint.Route.epoll, .urlSession] {
            let before = server.requests.count
            let endpoint = try LiveEndpoint(url: server.url, api: .openAIChat, model: "m", streaming: true, apiKey: nil, metricsPath: nil, route: route)
            let dataset = Dataset.scripted(prompts: 1).shaped(WorkloadShape(prefixReuse: false))
            let measurer = try LiveMeasurer(endpoint: endpoint, dataset: dataset, seed: 1, requestTimeoutSeconds: 5)
            let run = try await measurer.measure(Level(concurrency: 2), until: .requests(6))
            measurer.shutdown()
            XCTAssertEqual(Set(run.samples.map(\.outcome)), [.ok], "\(route)")
            let bodies = server.requests[before...].map(\.body)
            XCTAssertGreaterThanOrEqual(bodies.count, 6, "\(route)")
            XCTAssertEqual(Set(bodies).count, bodies.count, "\(route): no two requests alike")
            XCTAssertEqual(Set(bodies.map(\.count)).count, 1, "\(route): only the nonce differs, never the length")
            for body in bodies {
                let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
                let messages = try XCTUnwrap(object["messages"] as? [[String: Any]])
                let first = try XCTUnwrap(messages.first?["content"] as? String)
                XCTAssertNotNil(first.range(of: #"^Request [0-9a-f]{16}: "#, options: .regularExpression), "\(route): \(first.prefix(40))")
            }
        }
    }

    func testWithReuseTheRequestsAreTheDatasetsOwn() async throws {
        let server = try FaultyServer(.quota(concurrent: 100, retryAfter: "1"))
        defer { server.stop() }
        let endpoint = try LiveEndpoint(url: server.url, api: .openAIChat, model: "m", streaming: true, apiKey: nil, metricsPath: nil, route: .epoll)
        let measurer = try LiveMeasurer(endpoint: endpoint, dataset: .scripted(prompts: 1), seed: 1, requestTimeoutSeconds: 5)
        _ = try await measurer.measure(Level(concurrency: 2), until: .requests(4))
        measurer.shutdown()
        XCTAssertEqual(Set(server.requests.map(\.body)).count, 1, "one prompt, one body")
        XCTAssertFalse(String(decoding: server.requests[0].body, as: UTF8.self).contains("Request "))
    }
}
