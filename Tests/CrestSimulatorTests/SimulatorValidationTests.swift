import Foundation
import Crest
import XCTest
@testable import CrestSimulator
import CrestTestSupport

/// The validation checks of ../research/algorithms.md §4.6: the simulator must agree with queueing
/// theory and with its own step-time model before anything is built on it.
final class SimulatorValidationTests: XCTestCase {
    // §4.6.1 Little's law: with no think time, N = X·R within 1%.
    func testLittlesLawHoldsInAClosedLoop() throws {
        let endpoint = SimulatorFixtures.endpoint(outputTokens: 150, outputSigma: 0.5, networkJitter: 0.1, stepJitter: 0.03)
        for concurrency in [4, 16, 64] {
            let (_, summary) = try SimulatorFixtures.measure(
                endpoint, concurrency: concurrency, requests: 3000, prompts: SimulatorFixtures.prompts(from: 1000, to: 2000))
            let throughput = Double(summary.requests) / summary.durationSeconds
            let meanLatency = try XCTUnwrap(summary.latency?.mean.value)
            let n = Double(concurrency)
            XCTAssertLessThan(abs(n - throughput * meanLatency) / n, 0.01, "N = \(concurrency): X·R = \(throughput * meanLatency)")
            XCTAssertLessThan(abs(n - summary.achievedConcurrency) / n, 0.01, "N = \(concurrency): achieved \(summary.achievedConcurrency)")
        }
    }

    // §4.6.2 At N = 1 with fixed lengths and no jitter, E2E = RTT + prefill + (L − 1)·step, exactly.
    func testSingleRequestLatencyMatchesTheStepModelExactly() throws {
        let promptTokens = 1000
        let outputTokens = 128
        let endpoint = SimulatorFixtures.endpoint(outputTokens: Double(outputTokens), roundTripSeconds: 0.002)
        let (level, _) = try SimulatorFixtures.measure(
            endpoint, concurrency: 1, requests: 20, prompts: SimulatorFixtures.prompts(tokens: promptTokens))
        let model = SimulatorFixtures.a100Engine.stepTime
        func nanoseconds(_ seconds: Double) -> Int64 { Int64((seconds * 1e9).rounded()) }
        var expected = nanoseconds(0.001) * 2 + nanoseconds(model.prefillSeconds(tokens: promptTokens))
        let expectedTTFT = expected
        for generated in 1..<outputTokens {
            expected += nanoseconds(model.decodeSeconds(context: promptTokens + generated))
        }
        for sample in level.run.samples {
            XCTAssertEqual(sample.finishedAt - sample.sentAt, expected, "request \(sample.seq)")
            XCTAssertEqual(sample.firstTokenAt! - sample.sentAt, expectedTTFT, "request \(sample.seq)")
            XCTAssertEqual(sample.completionTokens, outputTokens)
        }
    }

    // §4.6.3 Beyond the batch cap B, TPOT stays flat and TTFT grows by 1/X(B) per extra client:
    // the extra clients only queue for a slot.
    func testBeyondTheBatchCapTPOTIsFlatAndTTFTGrowsByTheInverseThroughput() throws {
        var engine = SimulatorFixtures.a100Engine
        engine.maxRunningSequences = 16
        let endpoint = SimulatorFixtures.endpoint(engine: engine, outputTokens: 128, outputSigma: 0.3, stepJitter: 0.03)
        let prompts = SimulatorFixtures.prompts(from: 800, to: 1200)
        let levels = try [24, 32, 48].map { concurrency in
            try SimulatorFixtures.measure(endpoint, concurrency: concurrency, requests: 3000, prompts: prompts).summary
        }
        let first = levels[0]
        let throughputAtCap = Double(first.successes) / first.durationSeconds
        for summary in levels.dropFirst() {
            let tpot = try XCTUnwrap(summary.tpot?.mean.value)
            let reference = try XCTUnwrap(first.tpot?.mean.value)
            XCTAssertLessThan(abs(tpot / reference - 1), 0.02, "N = \(summary.concurrency): TPOT \(tpot) against \(reference) at N = 24")
            let slope = (summary.ttft!.mean.value - first.ttft!.mean.value) / Double(summary.concurrency - first.concurrency)
            XCTAssertLessThan(
                abs(slope * throughputAtCap - 1), 0.05,
                "N = \(summary.concurrency): TTFT slope \(slope) s per client against 1/X(B) = \(1 / throughputAtCap)")
        }
    }

    // §4.6.4 The simulator agrees with mean value analysis of a load-dependent station: the service
    // rate μ(n) measured at n clients with no think time predicts the throughput with think time.
    func testMeanValueAnalysisPredictsThroughputWithThinkTime() throws {
        let endpoint = SimulatorFixtures.endpoint(outputTokens: 128, outputSigma: 0.5, roundTripSeconds: 0, stepJitter: 0.03)
        let prompts = SimulatorFixtures.prompts(from: 500, to: 1500)
        let maxClients = 24
        var serviceRate = [0.0]
        for n in 1...maxClients {
            let summary = try SimulatorFixtures.measure(endpoint, concurrency: n, requests: 1500, prompts: prompts).summary
            serviceRate.append(Double(summary.requests) / summary.durationSeconds)
        }
        let thinkTime = 2.0
        let predicted = MeanValueAnalysis.throughput(clients: maxClients, thinkTime: thinkTime, serviceRate: serviceRate)
        let measured = try SimulatorFixtures.measure(
            endpoint, concurrency: maxClients, requests: 4000, prompts: prompts, thinkTime: thinkTime).summary
        let throughput = Double(measured.requests) / measured.durationSeconds
        XCTAssertLessThan(abs(throughput / predicted - 1), 0.03, "DES \(throughput)/s against MVA \(predicted)/s")
    }

    // §4.6.5 A KV-bound engine preempts once its cache is full and its throughput stops scaling,
    // where the same engine with ample cache keeps gaining. (The research notes expected a decline;
    // recompute is almost free on a bandwidth-bound GPU, so the model gives a plateau: see README.)
    func testTightKVCachePreemptsAndCapsThroughput() throws {
        let prompts = SimulatorFixtures.prompts(from: 150, to: 250)
        let tight = SimulatorFixtures.endpoint(engine: SimulatorFixtures.l4Engine, outputTokens: 800, outputSigma: 0.3)
        var ampleEngine = SimulatorFixtures.l4Engine
        ampleEngine.kvCacheTokens *= 8
        let ample = SimulatorFixtures.endpoint(engine: ampleEngine, outputTokens: 800, outputSigma: 0.3)

        let below = try SimulatorFixtures.measure(tight, concurrency: 32, requests: 800, prompts: prompts)
        let atCap = try SimulatorFixtures.measure(tight, concurrency: 48, requests: 800, prompts: prompts)
        let beyond = try SimulatorFixtures.measure(tight, concurrency: 128, requests: 800, prompts: prompts)
        let ampleBeyond = try SimulatorFixtures.measure(ample, concurrency: 128, requests: 800, prompts: prompts)

        XCTAssertEqual(below.level.counters.preemptions, 0, "32 requests of ~1k tokens fit in 31k tokens of cache")
        XCTAssertGreaterThan(beyond.level.counters.preemptions, 200)
        XCTAssertEqual(ampleBeyond.level.counters.preemptions, 0)
        let capThroughput = atCap.summary.transactionsPerMinute.value
        XCTAssertLessThan(beyond.summary.transactionsPerMinute.value, capThroughput * 1.05, "tight KV: no gain past the cap beyond noise")
        XCTAssertGreaterThan(ampleBeyond.summary.transactionsPerMinute.value, capThroughput * 1.5, "ample KV keeps scaling")
        XCTAssertGreaterThan(beyond.summary.latency!.p95.value, atCap.summary.latency!.p95.value * 1.8, "the queue grows instead")
    }

    // §4.6.6 The same seed gives the same samples; another seed gives others.
    func testTheSameSeedRepeatsExactly() throws {
        let endpoint = SimulatorPreset.a100.endpoint
        let prompts = SimulatorFixtures.prompts(from: 500, to: 2000)
        let first = try SimulatorFixtures.measure(endpoint, concurrency: 32, requests: 300, prompts: prompts, seed: 42)
        let again = try SimulatorFixtures.measure(endpoint, concurrency: 32, requests: 300, prompts: prompts, seed: 42)
        let other = try SimulatorFixtures.measure(endpoint, concurrency: 32, requests: 300, prompts: prompts, seed: 43)
        XCTAssertEqual(first.level.run, again.level.run)
        XCTAssertNotEqual(first.level.run.samples, other.level.run.samples)
    }
}

/// Exact mean value analysis of a closed network of one delay station (think time Z) and one
/// load-dependent station with service rate μ(n) (Reiser & Lavenberg 1980).
enum MeanValueAnalysis {
    static func throughput(clients: Int, thinkTime: Double, serviceRate mu: [Double]) -> Double {
        var probability = [1.0]  // p(j | n), j customers at the station
        var throughput = 0.0
        for n in 1...clients {
            var residence = 0.0
            for j in 1...n { residence += Double(j) / mu[j] * probability[j - 1] }
            throughput = Double(n) / (thinkTime + residence)
            var next = [0.0] + (1...n).map { j in throughput / mu[j] * probability[j - 1] }
            next[0] = 1 - next.dropFirst().reduce(0, +)
            probability = next
        }
        return throughput
    }
}

final class SimulatedMeasurerTests: XCTestCase {
    private func dataset() throws -> Dataset {
        let bin = PromptBin.standard[1]
        return try DatasetLoader().parse(Data(DatasetGenerator(seed: 1, promptsPerBin: 20).payloadLines(for: bin).utf8), path: "x.jsonl")
    }

    private func measurer(seed: UInt64 = 3) throws -> SimulatedMeasurer {
        SimulatedMeasurer(endpoint: SimulatorPreset.a100.endpoint, dataset: try dataset(), seed: seed, requestTimeoutSeconds: 300)
    }

    // Measuring a level again must bring new requests: a replay would make a confirmation worthless.
    func testMeasuringALevelAgainDrawsNewRequests() async throws {
        let measurer = try measurer()
        let first = try await measurer.measure(Level(concurrency: 4), until: .requests(50))
        let again = try await measurer.measure(Level(concurrency: 4), until: .requests(50))
        XCTAssertNotEqual(first.measured.map(\.latencySeconds), again.measured.map(\.latencySeconds))
        XCTAssertGreaterThanOrEqual(again.startedAt, first.endedAt, "the sweep's clock runs on")
    }

    // A level that follows another starts where it left the endpoint: no staggered start for the
    // clients that stay, whose requests in flight turn over as its warm-up. Going down from 48 to
    // 24 clients, the window opens after about one request time, where a level that starts from an
    // idle server staggers its 24 clients first (4.2 s against 5.9 s here); and what it measures
    // is the same endpoint's load of 24 (mean latency within 3% of the idle start's, over 600
    // requests each).
    func testALevelAfterAnotherStartsWarmAndMeasuresTheSameLoad() async throws {
        let warm = try measurer()
        _ = try await warm.measure(Level(concurrency: 48), until: .requests(100))
        let afterLarger = try await warm.measure(Level(concurrency: 24), until: .requests(600))
        let cold = try await measurer().measure(Level(concurrency: 24), until: .requests(600))
        let warmUp = { (run: LevelRun) in Double(run.windowStart - run.startedAt) / 1e9 }
        XCTAssertLessThan(warmUp(afterLarger), 0.8 * warmUp(cold), "warm-up \(warmUp(afterLarger)) s against \(warmUp(cold)) s from idle")
        XCTAssertLessThan(
            afterLarger.samples.filter { $0.phase == .warmup }.count, cold.samples.filter { $0.phase == .warmup }.count)
        let mean = { (run: LevelRun) in run.measured.map(\.latencySeconds).reduce(0, +) / Double(run.measured.count) }
        XCTAssertEqual(mean(afterLarger), mean(cold), accuracy: 0.03 * mean(cold))
        XCTAssertEqual(try XCTUnwrap(afterLarger.inFlightMean), 24, accuracy: 0.5, "the retired clients stopped at once")
    }

    // A resumed sweep runs its stored levels again in virtual time to bring the endpoint back to
    // where they left it: its next level is the uninterrupted sweep's, byte for byte.
    func testResumingRebuildsTheEndpointTheStoredLevelsLeft() async throws {
        let rules: [(Int, StopRule)] = [(16, .requests(60)), (8, .requests(40))]
        let uninterrupted = try measurer()
        var stored: [(run: LevelRun, rule: StopRule)] = []
        for (concurrency, rule) in rules { stored.append((try await uninterrupted.measure(Level(concurrency: concurrency), until: rule), rule)) }
        let next = try await uninterrupted.measure(Level(concurrency: 12), until: .requests(50))
        let resumed = try measurer()
        try await resumed.resume(after: stored)
        let again = try await resumed.measure(Level(concurrency: 12), until: .requests(50))
        XCTAssertEqual(again.samples, next.samples)
        XCTAssertEqual(again.startedAt, stored.last!.run.endedAt)
        // Without the rebuild, the level would start from an idle server: other samples.
        let idle = try await measurer().measure(Level(concurrency: 12), until: .requests(50))
        XCTAssertNotEqual(idle.samples.map(\.latencySeconds), next.samples.map(\.latencySeconds))
    }
}
