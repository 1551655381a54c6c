import XCTest
import Crest
import CrestSimulator
import CrestTestSupport

/// `crest sweep --prior`: a search that starts from an earlier sweep of the same endpoint, on the
/// simulator's batching engine (requests that share batches and stalls, as on a real one).
final class WarmStartTests: XCTestCase {
    private let dataset = Dataset(
        name: "prompts", path: "", format: .plainText, prompts: SimulatorFixtures.prompts(from: 1000, to: 2000), fingerprint: "")

    private func budget() throws -> Budget {
        Budget(latency: [try LatencyConstraint(parsing: "e2e.p95<=20s")], maxErrorRate: 0.01)
    }

    /// A search of `endpoint` from `prior` (none: cold), with the runs it measured.
    private func search(_ endpoint: SimulatedEndpoint, seed: UInt64, prior: PriorSweep? = nil) async throws -> (SearchOutcome, [LevelRun]) {
        let measurer = SimulatedMeasurer(endpoint: endpoint, dataset: dataset, seed: seed, requestTimeoutSeconds: 300)
        var runs: [LevelRun] = []
        let session = SearchSession(measurer: measurer, budget: try budget(), limits: SearchLimits(maxConcurrency: 1024)) { run, _, _ in
            runs.append(run)
        }
        let outcome = try await AdaptiveSearch(prior: prior).search(session)
        return (outcome, runs)
    }

    private func earlier() async throws -> (outcome: SearchOutcome, prior: PriorSweep) {
        let (outcome, runs) = try await search(SimulatorPreset.a100.endpoint, seed: 1)
        let answer = try XCTUnwrap(outcome.recommendation?.concurrency)
        return (outcome, PriorSweep(folder: "results/before", answer: answer, runs: runs, results: outcome.levels))
    }

    // Another day on the same endpoint (another seed): the answer's confirmation, the earlier
    // requests there pooled in, measures it as before, and so does the level above it that broke
    // the budget narrowly (62's p95 was within a quarter of its limit): the same answer, accepted,
    // for under a third of the search.
    func testAnUnchangedEndpointConfirmsTheEarlierAnswerForAFractionOfASearch() async throws {
        let (cold, prior) = try await earlier()
        let neighbour = try XCTUnwrap(prior.neighbour)
        XCTAssertTrue(prior.brokeNarrowly(neighbour))
        let (warm, _) = try await search(SimulatorPreset.a100.endpoint, seed: 2, prior: prior)
        XCTAssertEqual(warm.steps.map(\.phase), [.confirm, .prior])
        XCTAssertEqual(warm.steps.map(\.concurrency), [prior.answer, neighbour])
        let answer = try XCTUnwrap(warm.recommendation)
        XCTAssertEqual(answer.concurrency, prior.answer)
        XCTAssertTrue(answer.isFeasible)
        XCTAssertTrue(answer.explanation.contains("The endpoint measured as in results/before"), answer.explanation)
        XCTAssertLessThan(Double(warm.totals.requests), 0.3 * Double(cold.totals.requests), "\(warm.totals.requests) against \(cold.totals.requests)")
    }

    // The same endpoint with a fifth of its capacity gone (every engine step 1.25 times longer):
    // the earlier answer breaks the budget now (or its mean latency rose past its noise), the
    // search says so and searches afresh, and answers lower than before.
    func testACapacityDropIsSaidAndSearchedAfresh() async throws {
        let (_, prior) = try await earlier()
        let (warm, _) = try await search(SimulatorPreset.a100.endpoint.slowed(by: 1.25), seed: 2, prior: prior)
        let answer = try XCTUnwrap(warm.recommendation)
        XCTAssertTrue(answer.explanation.contains("Changed since results/before: "), answer.explanation)
        XCTAssertEqual(warm.steps.first?.concurrency, prior.answer)
        XCTAssertTrue(warm.steps.contains { $0.phase == .calibrate }, "searched afresh")
        XCTAssertLessThan(answer.concurrency, prior.answer)
    }
}
