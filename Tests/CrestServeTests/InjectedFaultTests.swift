import Crest
import CrestHTTP
import CrestServe
import CrestSimulator
import Foundation
import Glibc
import XCTest
import CrestTestSupport

/// Every fault a live endpoint can commit, served over real HTTP (by `crest serve`'s fault
/// injection where a server can commit it, by the socket itself where only the network can), and
/// the category the load generator files it under: one test per category.
final class InjectedFaultTests: XCTestCase {
    private let dataset: Dataset = {
        let prompts = (1...4).map { index -> Prompt in
            let messages = [ChatMessage(role: "user", content: String(repeating: "word \(index) ", count: 30))]
            return Prompt(content: .chat(messages), promptTokens: TokenEstimator.estimate(messages: messages), promptTokensSource: .estimate, maxOutputTokens: 12, line: index)
        }
        return Dataset(name: "faults", path: "faults.jsonl", format: .openAIChat, prompts: prompts, fingerprint: "0")
    }()

    /// Short timeouts, so that each timeout fault takes a fraction of a second.
    private static let timeouts = ClientTimeouts(connectSeconds: 0.5, firstTokenSeconds: 0.4, stallSeconds: 0.4)

    /// Runs a level of 2 clients and 4 measured requests against a server injecting `kind` into
    /// every request; returns every sample the level recorded.
    private func samples(
        injecting kind: InjectedFaults.Kind, streaming: Bool = true, requestTimeout: Double = 3, limits: ResponseLimits = .standard,
        configure: (inout InjectedFaults) -> Void = { _ in }
    ) async throws -> [Sample] {
        var faults = InjectedFaults(shares: [kind: 1], afterTokens: 2, firstTokenDelaySeconds: 2, hugeEventBytes: 2 << 20)
        configure(&faults)
        var endpoint = SimulatorPreset.a100.endpoint
        endpoint.faults.retryAfterSeconds = 0.2
        let loop = try EventLoop(name: "injected-faults")
        defer { loop.shutdown() }
        let server = try SimulatedInferenceServer(endpoint: endpoint, modelName: "sim", seed: 1, faults: faults).listen(on: loop, port: 0)
        let live = try LiveEndpoint(url: "http://127.0.0.1:\(server.port)", api: .openAIChat, model: "sim", streaming: streaming)
        let measurer = try LiveMeasurer(
            endpoint: live, dataset: dataset, seed: 1, requestTimeoutSeconds: requestTimeout, timeouts: Self.timeouts, limits: limits)
        defer { measurer.shutdown() }
        let run = try await measurer.measure(Level(concurrency: 2), until: .requests(4))
        XCTAssertGreaterThanOrEqual(run.samples.count, 4, "\(kind)")
        return run.samples
    }

    private func assertEvery(_ samples: [Sample], is category: String, _ kind: InjectedFaults.Kind, file: StaticString = #filePath, line: UInt = #line) {
        let categories = Dictionary(grouping: samples, by: \.category).mapValues(\.count)
        XCTAssertEqual(categories, [category: samples.count], "\(kind)", file: file, line: line)
    }

    // MARK: - HTTP statuses

    func testA4xxIsHTTP4xx() async throws {
        assertEvery(try await samples(injecting: .http400), is: "http_4xx", .http400)
    }

    func testA429IsHTTP429AndItsRetryAfterIsHonouredAndRecorded() async throws {
        let samples = try await samples(injecting: .http429)
        assertEvery(samples, is: "http_429", .http429)
        // Retry-After: 0.2 s, waited out after every one of them and written with its sample.
        XCTAssertEqual(Set(samples.map(\.retryAfter)), [200_000_000])
        let byClient = Dictionary(grouping: samples, by: \.client)
        for (_, sent) in byClient {
            let ordered = sent.sorted { $0.seq < $1.seq }
            for (earlier, later) in zip(ordered, ordered.dropFirst()) {
                XCTAssertGreaterThanOrEqual(later.sentAt - earlier.finishedAt, 200_000_000, "the client waited the Retry-After")
            }
        }
    }

    func testA5xxIsHTTP5xx() async throws {
        assertEvery(try await samples(injecting: .http500), is: "http_5xx", .http500)
    }

    // MARK: - Broken connections and streams

    func testAResetMidStreamIsConnectionReset() async throws {
        let samples = try await samples(injecting: .reset)
        assertEvery(samples, is: "connection_reset", .reset)
        XCTAssertTrue(samples.allSatisfy { $0.firstTokenAt != nil }, "it struck after the first tokens")
    }

    func testACloseMidStreamIsConnectionClosed() async throws {
        assertEvery(try await samples(injecting: .close), is: "connection_closed", .close)
    }

    func testAStreamThatStopsWithoutClosingIsStreamStalled() async throws {
        let samples = try await samples(injecting: .stall)
        assertEvery(samples, is: "stream_stalled", .stall)
        // Ended by the stall timeout (0.4 s after the last byte), far before the request timeout.
        XCTAssertTrue(samples.allSatisfy { $0.latencySeconds < 2 }, "\(samples.map(\.latencySeconds))")
    }

    func testAStreamThatNeverEndsIsCutByTheRequestTimeout() async throws {
        let samples = try await samples(injecting: .endless, requestTimeout: 1)
        assertEvery(samples, is: "request_timeout", .endless)
        XCTAssertTrue(samples.allSatisfy { abs($0.latencySeconds - 1) < 0.2 }, "\(samples.map(\.latencySeconds))")
    }

    func testAStreamThatNeverEndsIsCutByTheResponseSizeLimit() async throws {
        let samples = try await samples(injecting: .endless, limits: ResponseLimits(maximumResponseBytes: 16 << 10))
        assertEvery(samples, is: "response_too_large", .endless)
    }

    func testAHeldBackFirstTokenIsFirstTokenTimeout() async throws {
        for streaming in [true, false] {
            // Unstreamed, the answer's first byte stands for its first token.
            let samples = try await samples(injecting: .slowFirstToken, streaming: streaming)
            assertEvery(samples, is: "first_token_timeout", .slowFirstToken)
            XCTAssertTrue(samples.allSatisfy { abs($0.latencySeconds - 0.4) < 0.2 }, "\(samples.map(\.latencySeconds))")
        }
    }

    // MARK: - Malformed answers

    func testAStatusLineThatIsNotHTTPIsMalformedHTTP() async throws {
        assertEvery(try await samples(injecting: .malformedHTTP), is: "malformed_http", .malformedHTTP)
    }

    func testAnEventWhoseDataIsNotJSONIsMalformedJSON() async throws {
        assertEvery(try await samples(injecting: .malformedJSON), is: "malformed_json", .malformedJSON)
        assertEvery(try await samples(injecting: .malformedJSON, streaming: false), is: "malformed_json", .malformedJSON)
    }

    func testALineThatIsNoEventStreamFieldIsMalformedSSE() async throws {
        assertEvery(try await samples(injecting: .malformedSSE), is: "malformed_sse", .malformedSSE)
    }

    func testAStreamEndingInsideAnEventIsMalformedSSE() async throws {
        assertEvery(try await samples(injecting: .truncatedSSE), is: "malformed_sse", .truncatedSSE)
    }

    func testADataLineOfMegabytesIsOversizedEvent() async throws {
        assertEvery(try await samples(injecting: .hugeEvent), is: "oversized_event", .hugeEvent)
    }

    func testAnErrorEventInA200IsErrorEvent() async throws {
        assertEvery(try await samples(injecting: .errorEvent), is: "error_event", .errorEvent)
        assertEvery(try await samples(injecting: .errorEvent, streaming: false), is: "error_event", .errorEvent)
    }

    func testAnAnswerWithNoTextIsEmptyCompletion() async throws {
        assertEvery(try await samples(injecting: .emptyCompletion), is: "empty_completion", .emptyCompletion)
        assertEvery(try await samples(injecting: .emptyCompletion, streaming: false), is: "empty_completion", .emptyCompletion)
    }

    func testAnAnswerWithoutUsageSucceedsWithEstimatedTokens() async throws {
        for streaming in [true, false] {
            let samples = try await samples(injecting: .noUsage, streaming: streaming)
            assertEvery(samples, is: "ok", .noUsage)
            XCTAssertTrue(samples.allSatisfy { $0.tokensSource == .estimate && $0.completionTokens > 0 }, "streaming \(streaming)")
        }
    }

    // MARK: - Faults of the network

    /// Runs a level of 2 clients and 4 measured requests against `url`.
    private func samples(at url: String, trusting bundle: String? = nil) async throws -> [Sample] {
        let live = try LiveEndpoint(url: url, api: .openAIChat, model: "sim", streaming: true, certificateBundle: bundle)
        let measurer = try LiveMeasurer(endpoint: live, dataset: dataset, seed: 1, requestTimeoutSeconds: 3, timeouts: Self.timeouts)
        defer { measurer.shutdown() }
        return try await measurer.measure(Level(concurrency: 2), until: .requests(4)).samples
    }

    func testAPortNobodyListensOnIsConnectionRefused() async throws {
        let port = try Self.closedPort()
        assertEvery(try await samples(at: "http://127.0.0.1:\(port)"), is: "connection_refused", .reset)
    }

    func testAHostThatDoesNotResolveIsDNSFailureBeforeAnyRequest() throws {
        let live = try LiveEndpoint(url: "http://no-such-host.invalid:8000", api: .openAIChat, model: "sim", streaming: true)
        XCTAssertThrowsError(try LiveMeasurer(endpoint: live, dataset: dataset, seed: 1, requestTimeoutSeconds: 3)) { error in
            guard case LoadGeneratorError.unresolvedHost(let host, _)? = error as? LoadGeneratorError else { return XCTFail("\(error)") }
            XCTAssertEqual(host, "no-such-host.invalid")
            XCTAssertTrue("\(error)".hasPrefix("dns_failure:"), "\(error)")
        }
    }

    /// A server whose certificate this machine does not trust (self-signed, and no --ca-bundle).
    func testAnUntrustedCertificateIsTLSFailure() async throws {
        try XCTSkipUnless(TLSContext.isAvailable, "the system's OpenSSL 3 is missing: \(TLSContext.unavailableReason ?? "")")
        let files = try TestCertificates.writeFiles()
        let loop = try EventLoop(name: "untrusted")
        defer { loop.shutdown() }
        let tls = try TLSContext.server(certificateChain: files.loopback.certificate, privateKey: files.loopback.key)
        let server = try SimulatedInferenceServer(endpoint: SimulatorPreset.a100.endpoint, modelName: "sim", seed: 1)
            .listen(on: loop, port: 0, tls: tls)
        assertEvery(try await samples(at: "https://127.0.0.1:\(server.port)"), is: "tls_failure", .reset)
        // Trusted, the same server answers.
        assertEvery(try await samples(at: "https://127.0.0.1:\(server.port)", trusting: files.loopback.certificate), is: "ok", .reset)
    }

    /// A listener whose backlog is full and who never accepts: the kernel drops new SYNs, so a
    /// connection neither opens nor fails.
    func testAListenerThatNeverAcceptsIsConnectTimeout() async throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        XCTAssertEqual(bound, 0)
        XCTAssertEqual(listen(listener, 0), 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        let port = Int(UInt16(bigEndian: address.sin_port))
        // Fill the backlog with connections nobody accepts.
        var fillers: [Int32] = []
        defer { fillers.forEach { _ = close($0) } }
        for _ in 0..<4 {
            let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(filler, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            fillers.append(filler)
        }
        usleep(100_000)
        let samples = try await samples(at: "http://127.0.0.1:\(port)")
        assertEvery(samples, is: "connect_timeout", .reset)
        XCTAssertTrue(samples.allSatisfy { abs($0.latencySeconds - 0.5) < 0.2 }, "\(samples.map(\.latencySeconds))")
    }

    /// A port that was free a moment ago, with nothing listening on it.
    private static func closedPort() throws -> Int {
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(probe) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(probe, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(probe, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// The live measurer hands a level's requests to the journal as they finish, not at the level's end.
final class SampleJournalTests: XCTestCase {
    private final class RecordingJournal: SampleJournal, @unchecked Sendable {
        private let lock = NSLock()
        private var batches: [(at: Int64, samples: [Sample])] = []

        func append(_ samples: [Sample]) {
            lock.withLock { batches.append((MonotonicClock.nanoseconds(), samples)) }
        }

        var received: [(at: Int64, samples: [Sample])] { lock.withLock { batches } }
    }

    func testALevelsRequestsReachTheJournalAboutOnceASecondAndAllOfThemInOrder() async throws {
        var endpoint = SimulatorPreset.a100.endpoint
        endpoint.outputLength = OutputLengthModel(medianTokens: 40, sigma: 0)
        let loop = try EventLoop(name: "journal")
        defer { loop.shutdown() }
        let server = try SimulatedInferenceServer(endpoint: endpoint, modelName: "sim", seed: 1).listen(on: loop, port: 0)
        let live = try LiveEndpoint(url: "http://127.0.0.1:\(server.port)", api: .openAIChat, model: "sim")
        let prompts = [Prompt(content: .chat([ChatMessage(role: "user", content: "hello there")]), promptTokens: 3, promptTokensSource: .estimate, maxOutputTokens: 40, line: 1)]
        let dataset = Dataset(name: "journal", path: "journal.jsonl", format: .openAIChat, prompts: prompts, fingerprint: "0")
        let measurer = try LiveMeasurer(endpoint: live, dataset: dataset, seed: 1, requestTimeoutSeconds: 10)
        defer { measurer.shutdown() }
        let journal = RecordingJournal()
        let run = try await measurer.measure(Level(concurrency: 2), until: .duration(seconds: 3.5), journal: journal)
        let ended = MonotonicClock.nanoseconds()
        let batches = journal.received
        // Every sample once, in the run's order.
        XCTAssertEqual(batches.flatMap(\.samples), run.samples)
        // Handed over as the level ran: batches a second or so apart, the first well before the end.
        XCTAssertGreaterThanOrEqual(batches.count, 3, "\(batches.map(\.samples.count))")
        XCTAssertLessThan(batches[0].at, ended - 1_500_000_000)
        for (earlier, later) in zip(batches, batches.dropFirst()) {
            XCTAssertLessThan(later.at - earlier.at, 1_600_000_000, "no gap of much more than a second")
        }
    }
}
