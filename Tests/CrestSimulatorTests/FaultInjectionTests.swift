import Crest
import XCTest
@testable import CrestSimulator
import CrestTestSupport

/// The fault switches of ../research/algorithms.md §4.5: every failure is counted in its category
/// and none stops the run.
final class FaultInjectionTests: XCTestCase {
    private let prompts = SimulatorFixtures.prompts(from: 500, to: 1000)

    func testAConcurrencyCapAnswers429AboveItAndNeverBelow() throws {
        var endpoint = SimulatorFixtures.endpoint(outputTokens: 100, outputSigma: 0.3)
        endpoint.faults = FaultModel(concurrencyCap: 8, retryAfterSeconds: 0.5)
        let below = try SimulatorFixtures.measure(endpoint, concurrency: 8, requests: 300, prompts: prompts).summary
        let above = try SimulatorFixtures.measure(endpoint, concurrency: 16, requests: 300, prompts: prompts).summary
        XCTAssertEqual(below.outcomes.http429, 0)
        XCTAssertGreaterThan(above.outcomes.http429, 30)
        XCTAssertEqual(above.errors, above.outcomes.http429, "a cap causes 429s and nothing else")
        // Clients wait out the Retry-After, so the server keeps serving at its cap.
        XCTAssertEqual(above.transactionsPerMinute.value, below.transactionsPerMinute.value, accuracy: below.transactionsPerMinute.value * 0.15)
    }

    func testRandom5xxFailTheConfiguredShareOfRequests() throws {
        var endpoint = SimulatorFixtures.endpoint(outputTokens: 50)
        endpoint.faults = FaultModel(errorProbability: 0.05)
        let summary = try SimulatorFixtures.measure(endpoint, concurrency: 8, requests: 4000, prompts: prompts).summary
        XCTAssertEqual(summary.errors, summary.outcomes.http5xx)
        // 4000 draws at 5%: the 99.9% binomial range is about 3.6% to 6.5%.
        XCTAssertGreaterThan(summary.errorRate.value, 0.036)
        XCTAssertLessThan(summary.errorRate.value, 0.065)
        XCTAssertLessThanOrEqual(summary.errorRate.lower!, 0.05)
        XCTAssertGreaterThanOrEqual(summary.errorRate.upper!, 0.05)
    }

    func testClientTimeoutsEndRequestsAndFreeTheServer() throws {
        let endpoint = SimulatorFixtures.endpoint(outputTokens: 200, outputSigma: 0.8)
        // Answers of 200 tokens (σ 0.8) take about 2.3 s at N = 4; a 3 s timeout cuts the long tail.
        let (level, summary) = try SimulatorFixtures.measure(endpoint, concurrency: 4, requests: 600, prompts: prompts, timeout: 3)
        XCTAssertGreaterThan(summary.outcomes.timeout, 10)
        XCTAssertGreaterThan(summary.successes, summary.requests / 2)
        for sample in level.run.samples where sample.outcome == .timeout {
            XCTAssertEqual(sample.finishedAt - sample.sentAt, 3_000_000_000, "a timeout ends the request at the timeout")
            XCTAssertEqual(sample.completionTokens, 0)
        }
        // Aborted requests give back their slot: successes keep flowing at every client.
        XCTAssertEqual(Set(level.run.measured.filter { $0.outcome.isSuccess }.map(\.client)).count, 4)
    }

    func testStallsLengthenTheLatencyTail() throws {
        let calm = SimulatorFixtures.endpoint(outputTokens: 100, stepJitter: 0.03)
        var stalling = calm
        guard case .batching(var engine) = stalling.server else { return XCTFail("batching endpoint expected") }
        engine.stallProbability = 0.01
        engine.stallMeanSeconds = 0.5
        stalling.server = .batching(engine)
        let smooth = try SimulatorFixtures.measure(calm, concurrency: 8, requests: 800, prompts: prompts).summary
        let stalled = try SimulatorFixtures.measure(stalling, concurrency: 8, requests: 800, prompts: prompts).summary
        XCTAssertGreaterThan(stalled.latency!.p99.value, smooth.latency!.p99.value + 0.5)
    }

    func testLoadDependent5xxRiseWithKVPressure() throws {
        var endpoint = SimulatorFixtures.endpoint(engine: SimulatorFixtures.l4Engine, outputTokens: 400, outputSigma: 0.3)
        endpoint.faults = FaultModel(errorProbabilityPerKVOverload: 10)
        let light = try SimulatorFixtures.measure(endpoint, concurrency: 4, requests: 300, prompts: prompts).summary
        let heavy = try SimulatorFixtures.measure(endpoint, concurrency: 96, requests: 600, prompts: prompts).summary
        XCTAssertEqual(light.outcomes.http5xx, 0)
        XCTAssertGreaterThan(heavy.outcomes.http5xx, 0)
    }

    func testPromptsLongerThanTheContextWindowAreRejectedAs4xx() throws {
        let endpoint = SimulatorFixtures.endpoint(outputTokens: 10)
        let summary = try SimulatorFixtures.measure(
            endpoint, concurrency: 2, requests: 50, prompts: SimulatorFixtures.prompts(tokens: 9000)).summary
        XCTAssertEqual(summary.outcomes.http4xx, summary.requests)
    }
}
