import Crest
import XCTest
@testable import CrestHTTP
import CrestTestSupport

/// The load generator end to end, over loopback, against endpoints with scripted timings. Lower
/// bounds are exact (a scripted token is never early); upper bounds leave room for a busy machine.
final class LiveMeasurerTests: XCTestCase {
    private let slack = 0.060

    private let dataset = Dataset.scripted()

    private func measure(
        _ script: ScriptedEndpoint.Script, api: APIKind, streaming: Bool = true, level: Int = 2, rule: StopRule = .requests(6),
        timeout: Double = 5, url: String? = nil, route: LiveEndpoint.Route = .epoll
    ) async throws -> (run: LevelRun, server: ScriptedServer) {
        let server = try ScriptedServer(script)
        defer { server.stop() }
        // The scripted endpoint has no /metrics page: leave it alone, so it serves only what is measured.
        let endpoint = try LiveEndpoint(
            url: url ?? server.url, api: api, model: "scripted", streaming: streaming, metricsPath: nil, route: route)
        let measurer = try LiveMeasurer(endpoint: endpoint, dataset: dataset, seed: 1, requestTimeoutSeconds: timeout)
        defer { measurer.shutdown() }
        return (try await measurer.measure(Level(concurrency: level), until: rule), server)
    }

    func testStreamedTimingsAndUsageForEveryAPIKind() async throws {
        let script = ScriptedEndpoint.Script()
        for api in APIKind.selfHosted {
            let (run, server) = try await measure(script, api: api)
            XCTAssertEqual(run.measured.count, 6, "\(api)")
            // Requests still running when the level ends (at most one per other client) go unrecorded.
            XCTAssertTrue((0...1).contains(server.endpoint.requestsServed - run.samples.count), "\(api): \(server.endpoint.requestsServed) served, \(run.samples.count) recorded")
            for sample in run.samples {
                XCTAssertEqual(sample.outcome, .ok, "\(api)")
                let ttft = try XCTUnwrap(sample.ttftSeconds, "\(api): a streamed response has a first token")
                XCTAssertGreaterThanOrEqual(ttft, script.firstTokenDelay, "\(api)")
                XCTAssertLessThan(ttft, script.firstTokenDelay + slack, "\(api)")
                XCTAssertGreaterThanOrEqual(sample.latencySeconds, server.endpoint.minimumLatency, "\(api)")
                XCTAssertLessThan(sample.latencySeconds, server.endpoint.minimumLatency + slack, "\(api)")
                XCTAssertEqual(sample.completionTokens, script.tokens, "\(api)")
                XCTAssertEqual(sample.tokensSource, .server, "\(api)")
                // OpenAI kinds report the prompt's size; TGI's stream does not, so the dataset's count stands.
                XCTAssertEqual(sample.promptTokens, api == .tgi ? dataset.prompts[sample.promptIndex].promptTokens : script.promptTokens)
                XCTAssertEqual(sample.level, 2)
                // One gap between each pair of tokens, none negative, the typical one the scripted
                // gap. (On a shared machine one token can be read late, its gap long and the next
                // one short, even 0: the median, not every gap, shows the spacing.)
                let gaps = try XCTUnwrap(sample.interTokenGaps, "\(api): streamed responses carry their gaps")
                XCTAssertEqual(gaps.count, script.tokens - 1, "\(api)")
                XCTAssertTrue(gaps.allSatisfy { $0 >= 0 }, "\(api): \(gaps)")
                XCTAssertGreaterThan(Double(gaps.sorted()[gaps.count / 2]) / 1e9, script.tokenGap * 0.5, "\(api): \(gaps)")
                XCTAssertLessThanOrEqual(gaps.reduce(0, +), sample.finishedAt - sample.firstTokenAt!)
            }
        }
    }

    func testTheGeneratorChecksItself() async throws {
        let script = ScriptedEndpoint.Script()
        let (run, _) = try await measure(script, api: .openAIChat, level: 2, rule: .requests(6))
        let check = try XCTUnwrap(run.client)
        XCTAssertGreaterThanOrEqual(check.requests, run.samples.count)
        // Each response: the role event, a token event per token, the usage event and [DONE]; the
        // other client's request still running at the end has streamed some of its own.
        let perResponse = script.tokens + 3
        XCTAssertTrue((check.requests * perResponse..<(check.requests + 1) * perResponse).contains(check.events), "\(check.events) events")
        XCTAssertGreaterThan(check.cpuSeconds, 0)
        XCTAssertEqual(check.wallSeconds, Double(run.endedAt - run.startedAt) / 1e9, accuracy: 0.005)
        // Two clients at 10 ms a token cannot load the generator: its own CPU time says so. (Its
        // send lag and read delay also count the scheduler: on a machine busy with other work they
        // passed 5 ms once, and the check rightly called that run client-limited.)
        XCTAssertLessThan(check.cpuShare, ClientCheck.cpuShareLimit, "\(check)")
        XCTAssertTrue(run.samples.allSatisfy { $0.sendLag != nil && $0.sendLag! >= 0 })
        XCTAssertLessThanOrEqual(check.sendLagP50Seconds, check.sendLagP99Seconds)
        XCTAssertLessThanOrEqual(check.sendLagP99Seconds, check.sendLagMaxSeconds)
    }

    /// The https route, URLSession, tested over plain http: the transport is the same code; TLS is
    /// libcurl's. Its timestamps are taken on URLSession's thread, so the bound is looser.
    func testTheURLSessionRouteMeasuresTheSameTimings() async throws {
        let script = ScriptedEndpoint.Script()
        for api in APIKind.selfHosted {
            let (run, server) = try await measure(script, api: api, route: .urlSession)
            XCTAssertEqual(run.client?.route, "urlsession")
            for sample in run.samples {
                XCTAssertEqual(sample.outcome, .ok, "\(api)")
                let ttft = try XCTUnwrap(sample.ttftSeconds, "\(api)")
                XCTAssertGreaterThanOrEqual(ttft, script.firstTokenDelay, "\(api)")
                XCTAssertLessThan(ttft, script.firstTokenDelay + 2 * slack, "\(api)")
                XCTAssertGreaterThanOrEqual(sample.latencySeconds, server.endpoint.minimumLatency, "\(api)")
                XCTAssertLessThan(sample.latencySeconds, server.endpoint.minimumLatency + 2 * slack, "\(api)")
                XCTAssertEqual(sample.completionTokens, script.tokens, "\(api)")
                XCTAssertEqual(sample.tokensSource, .server, "\(api)")
            }
        }
    }

    func testTheURLSessionRouteCountsFailuresByCategory() async throws {
        let cases: [(ScriptedEndpoint.Fault, Outcome)] = [
            (.status(503, retryAfter: nil), .http5xx), (.status(429, retryAfter: "0"), .http429), (.breakAfter(tokens: 2), .transport),
        ]
        for (fault, outcome) in cases {
            let (run, _) = try await measure(ScriptedEndpoint.Script(fault: fault), api: .openAIChat, level: 1, rule: .requests(3), route: .urlSession)
            XCTAssertEqual(Set(run.samples.map(\.outcome)), [outcome], "\(fault)")
        }
        let (silent, _) = try await measure(
            ScriptedEndpoint.Script(fault: .silence), api: .openAIChat, level: 1, rule: .requests(1), timeout: 0.2, route: .urlSession)
        XCTAssertEqual(Set(silent.samples.map(\.outcome)), [.timeout])
    }

    func testUnstreamedResponsesHaveNoFirstToken() async throws {
        let script = ScriptedEndpoint.Script()
        for api in APIKind.selfHosted {
            let (run, server) = try await measure(script, api: api, streaming: false)
            for sample in run.samples {
                XCTAssertEqual(sample.outcome, .ok, "\(api)")
                XCTAssertNil(sample.firstTokenAt, "\(api)")
                XCTAssertGreaterThanOrEqual(sample.latencySeconds, server.endpoint.minimumLatency)
                XCTAssertLessThan(sample.latencySeconds, server.endpoint.minimumLatency + slack)
                XCTAssertEqual(sample.completionTokens, script.tokens)
            }
        }
    }

    func testClosedLoopKeepsExactlyNRequestsInFlight() async throws {
        let (run, _) = try await measure(ScriptedEndpoint.Script(), api: .openAIChat, level: 4, rule: .requests(16))
        let measured = run.measured
        // Each client's next request leaves as its last one ends: its sends are a latency apart.
        for client in 0..<4 {
            let sends = run.samples.filter { $0.client == client }.sorted { $0.seq < $1.seq }
            XCTAssertEqual(sends.map(\.seq), Array(0..<sends.count))
            for (earlier, later) in zip(sends, sends.dropFirst()) {
                XCTAssertGreaterThanOrEqual(later.sentAt, earlier.finishedAt)
                XCTAssertLessThan(Double(later.sentAt - earlier.finishedAt) / 1e9, 0.010, "a free client sends at once")
            }
        }
        XCTAssertEqual(Set(measured.map(\.client)), Set(0..<4))
    }

    func testLevelChangesKeepTheConnections() async throws {
        let server = try ScriptedServer(ScriptedEndpoint.Script(firstTokenDelay: 0.005, tokenGap: 0.002, tokens: 3))
        defer { server.stop() }
        let measurer = try LiveMeasurer(
            endpoint: try LiveEndpoint(url: server.url, api: .openAIChat, model: "scripted", metricsPath: nil), dataset: dataset, seed: 1,
            requestTimeoutSeconds: 5)
        defer { measurer.shutdown() }
        var runs: [LevelRun] = []
        for level in [3, 1, 2, 3] {
            runs.append(try await measurer.measure(Level(concurrency: level), until: .requests(10)))
        }
        XCTAssertEqual(runs.map { Set($0.samples.map(\.client)).count }, [3, 1, 2, 3])
        // The clients a level keeps keep their connections; one a smaller level retires while its
        // request runs closes it (the abort an engine understands) and opens another when a later
        // level needs it again. Reconnecting at every level would take 9.
        XCTAssertLessThanOrEqual(server.server.acceptedConnections, 5, "going from 3 to 1 and back")
        XCTAssertTrue(zip(runs, runs.dropFirst()).allSatisfy { $0.endedAt <= $1.startedAt }, "levels follow each other on one clock")
    }

    func testFailuresAreCountedByCategory() async throws {
        let cases: [(ScriptedEndpoint.Fault, Outcome, Bool)] = [
            (.status(500, retryAfter: nil), .http5xx, true),
            (.status(400, retryAfter: nil), .http4xx, true),
            (.status(429, retryAfter: "0"), .http429, true),
            (.breakAfter(tokens: 2), .transport, true),
            (.malformedBody, .malformed, false),
        ]
        for (fault, outcome, streaming) in cases {
            let (run, _) = try await measure(ScriptedEndpoint.Script(fault: fault), api: .openAIChat, streaming: streaming, level: 1, rule: .requests(3))
            XCTAssertEqual(Set(run.samples.map(\.outcome)), [outcome], "\(fault)")
            XCTAssertTrue(run.samples.allSatisfy { $0.completionTokens == 0 }, "a failed request has no completion tokens")
        }
    }

    func testABrokenStreamKeepsItsFirstToken() async throws {
        let (run, _) = try await measure(ScriptedEndpoint.Script(fault: .breakAfter(tokens: 2)), api: .openAIChat, level: 1, rule: .requests(2))
        XCTAssertTrue(run.samples.allSatisfy { $0.firstTokenAt != nil && $0.outcome == .transport })
    }

    func testSilenceEndsInATimeout() async throws {
        let (run, _) = try await measure(ScriptedEndpoint.Script(fault: .silence), api: .tgi, level: 1, rule: .requests(1), timeout: 0.2)
        XCTAssertEqual(Set(run.samples.map(\.outcome)), [.timeout])
        for sample in run.samples {
            XCTAssertGreaterThanOrEqual(sample.latencySeconds, 0.2)
            XCTAssertLessThan(sample.latencySeconds, 0.2 + slack)
        }
    }

    func testARefusedConnectionIsATransportFailureNotACrash() async throws {
        // Port 9 (discard) has no listener on loopback here; connections are refused.
        let (run, _) = try await measure(ScriptedEndpoint.Script(), api: .openAIChat, level: 1, rule: .requests(2), url: "http://127.0.0.1:9")
        XCTAssertEqual(Set(run.samples.map(\.outcome)), [.transport])
    }

    func testAnEndpointWithoutAMetricsPageIsAskedTwiceThenLeftAlone() async throws {
        let server = try ScriptedServer(ScriptedEndpoint.Script(firstTokenDelay: 0.15, tokenGap: 0.05, tokens: 2))
        defer { server.stop() }
        let measurer = try LiveMeasurer(
            endpoint: try LiveEndpoint(url: server.url, api: .openAIChat, model: "scripted"), dataset: dataset, seed: 1,
            requestTimeoutSeconds: 5)
        defer { measurer.shutdown() }
        // 8 warm-up and 4 measured requests of 0.2 s at one client: about 2.4 s, 3 chances to scrape.
        let run = try await measurer.measure(Level(concurrency: 1), until: .requests(4))
        XCTAssertNil(run.serverMetrics)
        XCTAssertEqual(server.endpoint.notFound, 2, "two refused scrapes, then none")
        XCTAssertTrue(run.samples.allSatisfy { $0.outcome == .ok })
    }

    func testADurationWindowMeasuresWhatWasSentInsideItAndDrainsIt() async throws {
        let (run, _) = try await measure(ScriptedEndpoint.Script(), api: .openAIChat, level: 3, rule: .duration(seconds: 0.3))
        XCTAssertEqual(Double(run.windowEnd - run.windowStart) / 1e9, 0.3, accuracy: 1e-9)
        let measured = run.samples.filter { $0.phase == .measured }
        XCTAssertFalse(measured.isEmpty)
        XCTAssertTrue(measured.allSatisfy { $0.sentAt >= run.windowStart && $0.sentAt < run.windowEnd })
        XCTAssertTrue(run.samples.allSatisfy { $0.phase != .measured || $0.finishedAt <= run.endedAt }, "measured requests drain")
        XCTAssertTrue(run.samples.filter { $0.sentAt >= run.windowStart && $0.sentAt < run.windowEnd }.allSatisfy { $0.phase == .measured })
    }
}
