import Crest
import CrestTestSupport
import Foundation
import Synchronization
import XCTest
@testable import CrestHTTP

/// The client's hard limits, against servers that stream without end at loopback speed.
/// Regression tests: such a stream once kept the event loop reading forever, so `--timeout` never
/// fired, and memory grew by gigabytes (2.9 GB in 18 s).
final class ResponseLimitTests: XCTestCase {
    private let dataset = Dataset.scripted(prompts: 1)

    /// Measures one level of one client against `server`, or fails if the level has not ended
    /// `within` seconds (before the fix it never did; its measurer is then left running).
    private func measure(
        _ server: FloodServer, streaming: Bool = true, timeout: Double, limits: ResponseLimits = .standard,
        route: LiveEndpoint.Route = .epoll, within: Double
    ) throws -> LevelRun? {
        let endpoint = try LiveEndpoint(url: server.url, api: .openAIChat, model: "m", streaming: streaming, metricsPath: nil, route: route)
        let measurer = try LiveMeasurer(endpoint: endpoint, dataset: dataset, seed: 1, requestTimeoutSeconds: timeout, limits: limits)
        let result = Mutex<Result<LevelRun, Error>?>(nil)
        let done = expectation(description: "the level ends")
        Task {
            do {
                let run = try await measurer.measure(Level(concurrency: 1), until: .requests(1))
                result.withLock { $0 = .success(run) }
            } catch {
                result.withLock { $0 = .failure(error) }
            }
            done.fulfill()
        }
        guard XCTWaiter().wait(for: [done], timeout: within) == .completed else {
            XCTFail("the level did not end within \(within) s: the client never gave up on the endless response")
            // Its loop is stuck; kept alive, it cannot crash the tests that follow.
            Self.stuck.withLock { $0.append(measurer) }
            return nil
        }
        measurer.shutdown()
        return try result.withLock { $0 }?.get()
    }

    private static let stuck = Mutex<[LiveMeasurer]>([])

    private func residentBytes() -> Int {
        let fields = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8))?.split(separator: " ") ?? []
        return (fields.count > 1 ? Int(fields[1]) ?? 0 : 0) * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    func testTheTimeoutFiresHoweverFastBytesArrive() throws {
        // Comment lines are a valid stream that never ends and holds no event: only the timeout
        // can end it (the other limits are lifted, so that they cannot).
        let server = try FloodServer(.comments)
        defer { server.stop() }
        let unlimited = ResponseLimits(maximumResponseBytes: .max, maximumEventBytes: .max, maximumTokenEvents: .max, maximumBodyBytes: .max)
        guard let run = try measure(server, timeout: 0.3, limits: unlimited, within: 30) else { return }
        // Eight warm-up completions and one measured, each a timeout at its deadline.
        XCTAssertEqual(Set(run.samples.map(\.outcome)), [.timeout])
        for sample in run.samples {
            XCTAssertGreaterThanOrEqual(sample.latencySeconds, 0.3)
            XCTAssertLessThan(sample.latencySeconds, 0.3 + 1e-9, "a timed-out request ends at its deadline")
            XCTAssertLessThan(Double(run.endedAt - sample.finishedAt) / 1e9, 5)
        }
        let example = try XCTUnwrap(run.failureExamples.first)
        XCTAssertTrue(example.summary.contains("timeout of 300 ms"), example.summary)
    }

    func testEndlessResponsesAreCutOffAtTheClientsLimitsWithBoundedMemory() throws {
        // The default limits, but fewer token events: 262,144 of them take seconds to parse in a
        // debug build, ten responses over.
        let fewerTokens = ResponseLimits(maximumTokenEvents: 20_000)
        let cases: [(FloodServer.Flood, Bool, ResponseLimits, String)] = [
            (.tokenEvents, true, fewerTokens, "the stream passed 20000 events with generated text"),
            (.endlessLine, true, .standard, "a server-sent event passed 1 MiB"),
            (.hugeBody, false, .standard, "the body passed 8 MiB"),
        ]
        for (flood, streaming, limits, reason) in cases {
            let server = try FloodServer(flood)
            defer { server.stop() }
            let before = residentBytes()
            // A timeout long enough that only the limits can end these responses.
            guard let run = try measure(server, streaming: streaming, timeout: 120, limits: limits, within: 60) else { return }
            XCTAssertEqual(Set(run.samples.map(\.outcome)), [.malformed], "\(flood)")
            let example = try XCTUnwrap(run.failureExamples.first, "\(flood)")
            XCTAssertTrue(example.summary.contains(reason), "\(flood): \(example.summary)")
            XCTAssertLessThan(residentBytes() - before, 400 << 20, "\(flood): memory stays bounded")
            // One connection per response (the last may still be running, unrecorded, as the level ends).
            XCTAssertTrue((0...1).contains(server.accepted - run.samples.count), "\(flood): each cut-off response closed its connection")
        }
    }

    func testTheLimitsHoldOnTheURLSessionRouteToo() throws {
        // One line of 2 MiB, then silence: past the event limit, short of the timeout. (Not a flood
        // without end: that holds URLSession's own work queue for as long as it lasts, and every
        // response cut off from it stays open inside URLSession, which cannot safely cancel it;
        // see SessionBridge.)
        let server = try FloodServer(.endlessLine, stopAfterBytes: 2 << 20)
        defer { server.stop() }
        guard let run = try measure(server, timeout: 120, route: .urlSession, within: 60) else { return }
        XCTAssertEqual(Set(run.samples.map(\.outcome)), [.malformed])
        XCTAssertTrue(run.failureExamples.first?.summary.contains("passed 1 MiB") == true, "\(run.failureExamples)")
    }
}
