import Crest
import XCTest
@testable import CrestSimulator
import CrestTestSupport

final class InterTokenGapTests: XCTestCase {
    private func run(_ endpoint: SimulatedEndpoint, concurrency: Int, records: Bool) throws -> LevelRun {
        try simulate(
            endpoint: endpoint, level: Level(concurrency: concurrency), rule: .requests(40),
            prompts: SimulatorFixtures.prompts(tokens: 800, count: 8), requestTimeoutSeconds: 600, seed: 3,
            recordsInterTokenGaps: records
        ).run
    }

    func testABatchingEngineGivesOneGapPerDecodeStepThatAddUpToTheStream() throws {
        let endpoint = SimulatorFixtures.endpoint(outputTokens: 60, outputSigma: 0.3, stepJitter: 0.05)
        let level = try run(endpoint, concurrency: 8, records: true)
        for sample in level.samples where sample.outcome.isSuccess {
            let gaps = try XCTUnwrap(sample.interTokenGaps)
            XCTAssertEqual(gaps.count, sample.completionTokens - 1)
            XCTAssertEqual(gaps.reduce(0, +), sample.finishedAt - sample.firstTokenAt!, "the last token is the end")
            XCTAssertTrue(gaps.allSatisfy { $0 > 0 })
        }
        // A new request's prefill shares its step with the running decodes: the largest gap is a
        // prefill step, well over the median decode step.
        let all = level.samples.compactMap(\.interTokenGaps).flatMap { $0 }.sorted()
        XCTAssertGreaterThan(Double(all.last!), 3 * Double(all[all.count / 2]))
    }

    func testAHostedAPISpacesItsTokensEvenly() throws {
        var endpoint = SimulatorPreset.hostedAPI.endpoint
        endpoint.faults = .none
        let level = try run(endpoint, concurrency: 4, records: true)
        for sample in level.samples where sample.outcome.isSuccess && sample.completionTokens > 2 {
            let gaps = try XCTUnwrap(sample.interTokenGaps)
            XCTAssertEqual(gaps.count, sample.completionTokens - 1)
            XCTAssertEqual(gaps.reduce(0, +), sample.finishedAt - sample.firstTokenAt!)
            XCTAssertLessThanOrEqual(gaps.max()! - gaps.min()!, 1, "equal to the nanosecond")
        }
    }

    func testRecordingChangesNothingElse() throws {
        let endpoint = SimulatorFixtures.endpoint(outputTokens: 60, outputSigma: 0.3, stepJitter: 0.05)
        let plain = try run(endpoint, concurrency: 8, records: false)
        let recorded = try run(endpoint, concurrency: 8, records: true)
        XCTAssertTrue(plain.samples.allSatisfy { $0.interTokenGaps == nil })
        XCTAssertEqual(plain.samples.map(\.finishedAt), recorded.samples.map(\.finishedAt), "the same seed, the same run")
        XCTAssertEqual(plain.samples.map(\.firstTokenAt), recorded.samples.map(\.firstTokenAt))
    }
}
