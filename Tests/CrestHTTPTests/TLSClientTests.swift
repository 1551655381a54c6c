import Crest
import Glibc
import XCTest
@testable import CrestHTTP
import CrestTestSupport

/// https on the epoll route: Crest's own client through the system's OpenSSL 3, against the
/// scripted endpoint served over TLS with a throwaway certificate (`TestCertificates`). The
/// timings must be the plain client's, the connections kept, and a certificate that should not be
/// trusted refused, saying why.
final class TLSClientTests: XCTestCase {
    private static let files = try! TestCertificates.writeFiles()
    private let slack = 0.060

    override func setUpWithError() throws {
        try XCTSkipUnless(TLSContext.isAvailable, "the system's OpenSSL 3 is missing: \(TLSContext.unavailableReason ?? "")")
    }

    private func measure(
        _ script: ScriptedEndpoint.Script = .init(), api: APIKind = .openAIChat, identity: (certificate: String, key: String) = files.loopback,
        trusting bundle: String? = files.loopback.certificate, url: String? = nil, dataset: Dataset = .scripted(), level: Int = 2, requests: Int = 6
    ) async throws -> (run: LevelRun, server: ScriptedServer) {
        let server = try ScriptedServer(script, tls: try TLSContext.server(certificateChain: identity.certificate, privateKey: identity.key))
        defer { server.stop() }
        let endpoint = try LiveEndpoint(
            url: url ?? server.url, api: api, model: "scripted", metricsPath: nil, certificateBundle: url?.hasPrefix("http:") == true ? nil : bundle)
        let measurer = try LiveMeasurer(endpoint: endpoint, dataset: dataset, seed: 1, requestTimeoutSeconds: 5)
        defer { measurer.shutdown() }
        return (try await measurer.measure(Level(concurrency: level), until: .requests(requests)), server)
    }

    func testHTTPSTakesTheEpollRouteWhereOpenSSLIsFound() throws {
        let endpoint = try LiveEndpoint(url: "https://bedrock-runtime.us-east-1.amazonaws.com", api: .openAIChat, model: "m")
        XCTAssertEqual(endpoint.route, .epoll)
        XCTAssertEqual(endpoint.port, 443)
    }

    func testStreamedTimingsOverTLSAreTheScriptsForEveryAPIKind() async throws {
        let script = ScriptedEndpoint.Script()
        for api in APIKind.selfHosted {
            let (run, server) = try await measure(script, api: api)
            XCTAssertEqual(run.client?.route, "epoll", "\(api)")
            XCTAssertEqual(run.measured.count, 6, "\(api)")
            for sample in run.samples {
                XCTAssertEqual(sample.outcome, .ok, "\(api)")
                let ttft = try XCTUnwrap(sample.ttftSeconds, "\(api)")
                XCTAssertGreaterThanOrEqual(ttft, script.firstTokenDelay, "\(api)")
                XCTAssertGreaterThanOrEqual(sample.latencySeconds, server.endpoint.minimumLatency, "\(api)")
                XCTAssertEqual(sample.completionTokens, script.tokens, "\(api)")
                XCTAssertEqual(sample.tokensSource, .server, "\(api)")
                XCTAssertEqual(sample.interTokenGaps?.count, script.tokens - 1, "\(api)")
            }
            // The first request of each client pays the handshake; the others must not.
            let later = run.samples.filter { $0.seq > 0 }
            XCTAssertFalse(later.isEmpty)
            for sample in later {
                XCTAssertLessThan(sample.ttftSeconds!, script.firstTokenDelay + slack, "\(api)")
                XCTAssertLessThan(sample.latencySeconds, server.endpoint.minimumLatency + slack, "\(api)")
            }
            // Two clients, two connections, kept alive through every request.
            XCTAssertEqual(server.server.acceptedConnections, 2, "\(api)")
        }
    }

    /// Requests of many TLS records (a 300 kB prompt, written in parts) and a response of
    /// thousands of events sent at once (many records a wake) arrive whole.
    func testLargeRequestsAndLongBurstsCrossManyRecords() async throws {
        let text = String(repeating: "a long prompt ", count: 300_000 / 14)
        let dataset = Dataset(
            name: "large", path: "large.jsonl", format: .plainText,
            prompts: [Prompt(content: .text(text), promptTokens: 60_000, promptTokensSource: .dataset, maxOutputTokens: 3_000, line: 1)],
            fingerprint: "0")
        let (run, _) = try await measure(ScriptedEndpoint.Script(firstTokenDelay: 0, tokenGap: 0, tokens: 3_000), dataset: dataset, level: 2, requests: 4)
        XCTAssertEqual(run.measured.count, 4)
        for sample in run.samples {
            XCTAssertEqual(sample.outcome, .ok)
            XCTAssertEqual(sample.completionTokens, 3_000)
            XCTAssertEqual(sample.interTokenGaps?.count, 2_999)
        }
    }

    func testAnUntrustedCertificateIsRefusedWithItsReasonAndStopsThePreflight() async throws {
        let server = try ScriptedServer(.init(), tls: try TLSContext.server(certificateChain: Self.files.loopback.certificate, privateKey: Self.files.loopback.key))
        defer { server.stop() }
        // The system's certificates do not include the test's own.
        let endpoint = try LiveEndpoint(url: server.url, api: .openAIChat, model: "scripted", metricsPath: nil)
        let measurer = try LiveMeasurer(endpoint: endpoint, dataset: .scripted(), seed: 1, requestTimeoutSeconds: 5)
        defer { measurer.shutdown() }
        let preflight = await measurer.preflight()
        XCTAssertEqual(preflight.outcome, .transport)
        XCTAssertTrue(preflight.stops, "no later request can trust the certificate either")
        let reason = try XCTUnwrap(preflight.example?.reason)
        XCTAssertTrue(reason.contains("the TLS handshake with 127.0.0.1 failed: its certificate was rejected"), reason)
        XCTAssertTrue(reason.contains("self-signed") || reason.contains("self signed"), reason)
        XCTAssertEqual(server.endpoint.requestsServed, 0, "nothing was sent to an endpoint that was not trusted")
    }

    func testACertificateForAnotherHostIsRefused() async throws {
        let (run, server) = try await measure(identity: Self.files.otherHost, trusting: Self.files.otherHost.certificate, level: 1, requests: 2)
        XCTAssertEqual(Set(run.samples.map(\.outcome)), [.transport])
        let reason = try XCTUnwrap(run.failureExamples.first?.reason)
        XCTAssertTrue(reason.contains("certificate was rejected (IP address mismatch)"), reason)
        XCTAssertEqual(server.endpoint.requestsServed, 0)
    }

    func testACertificateBundleThatHoldsNoCertificateIsNamed() throws {
        XCTAssertThrowsError(try TLSContext.client(trusting: Self.files.loopback.key)) { error in
            guard case .badFile(let path, let reason) = error as? TLSError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, Self.files.loopback.key)
            XCTAssertTrue(reason.contains("no PEM certificate"), reason)
        }
        XCTAssertThrowsError(try TLSContext.server(certificateChain: Self.files.loopback.certificate, privateKey: Self.files.otherHost.key)) { error in
            XCTAssertTrue("\(error)".contains("not the one of \(Self.files.loopback.certificate)"), "\(error)")
        }
    }

    func testABundleGoesWithHTTPSOnly() {
        XCTAssertThrowsError(try LiveEndpoint(url: "http://127.0.0.1:1", api: .openAIChat, model: "m", certificateBundle: Self.files.loopback.certificate))
        XCTAssertThrowsError(try LiveEndpoint(
            url: "https://127.0.0.1:1", api: .openAIChat, model: "m", route: .urlSession, certificateBundle: Self.files.loopback.certificate)) { error in
            XCTAssertTrue("\(error)".contains("URLSession on Linux trusts the system's certificates only"), "\(error)")
        }
    }

    /// The server's side: a client that speaks plain HTTP to the TLS port, or opens a connection
    /// and sends garbage, is closed, and the server serves the next client over TLS as before.
    func testAServerOverTLSShrugsOffClientsThatDoNotSpeakIt() async throws {
        let server = try ScriptedServer(.init(), tls: try TLSContext.server(certificateChain: Self.files.loopback.certificate, privateKey: Self.files.loopback.key))
        defer { server.stop() }
        let plainURL = server.url.replacingOccurrences(of: "https:", with: "http:")
        let plain = try LiveMeasurer(
            endpoint: try LiveEndpoint(url: plainURL, api: .openAIChat, model: "scripted", metricsPath: nil), dataset: .scripted(), seed: 1,
            requestTimeoutSeconds: 2)
        let refused = try await plain.measure(Level(concurrency: 1), until: .requests(2))
        plain.shutdown()
        XCTAssertTrue(refused.samples.allSatisfy { !$0.outcome.isSuccess })
        let garbage = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in(
            sin_family: sa_family_t(AF_INET), sin_port: UInt16(server.server.port).bigEndian, sin_addr: in_addr(s_addr: inet_addr("127.0.0.1")),
            sin_zero: (0, 0, 0, 0, 0, 0, 0, 0))
        let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(garbage, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        XCTAssertEqual(connected, 0)
        let noise = [UInt8](repeating: 0x16, count: 4096)
        _ = noise.withUnsafeBytes { write(garbage, $0.baseAddress, $0.count) }
        var byte: UInt8 = 0
        // The server answers the noise with a TLS alert at most, then closes: read reaches the end.
        while read(garbage, &byte, 1) > 0 {}
        close(garbage)
        let endpoint = try LiveEndpoint(url: server.url, api: .openAIChat, model: "scripted", metricsPath: nil, certificateBundle: Self.files.loopback.certificate)
        let measurer = try LiveMeasurer(endpoint: endpoint, dataset: .scripted(), seed: 1, requestTimeoutSeconds: 5)
        defer { measurer.shutdown() }
        let served = try await measurer.measure(Level(concurrency: 2), until: .requests(4))
        XCTAssertEqual(Set(served.samples.map(\.outcome)), [.ok])
    }
}
