import Crest
import XCTest

final class ClientCheckTests: XCTestCase {
    private func check(cpu: Double, lagP99: Double) -> ClientCheck {
        ClientCheck(requests: 1000, events: 50_000, cpuSeconds: cpu, userCPUSeconds: cpu / 2, wallSeconds: 10, sendLagP50Seconds: 0, sendLagP99Seconds: lagP99, sendLagMaxSeconds: lagP99)
    }

    func testALevelIsClientLimitedWhenTheGeneratorIsBusyOrLate() {
        XCTAssertNil(check(cpu: 1, lagP99: 0.0002).problem)
        XCTAssertEqual(check(cpu: 1, lagP99: 0).cpuMicrosecondsPerRequest, 1000)
        XCTAssertEqual(check(cpu: 9, lagP99: 0).problem, "the load generator used 90% of its core")
        XCTAssertEqual(check(cpu: 1, lagP99: 0.012).problem, "requests left up to 12 ms after their client was free (p99)")
        XCTAssertTrue(check(cpu: 9, lagP99: 0.012).isClientLimited)
    }

    func testSamplesCarryTheirSendLagIntoTheFileOnlyWhenMeasured() throws {
        let live = Sample(level: 1, client: 0, seq: 0, promptIndex: 0, sentAt: 5, firstTokenAt: nil, finishedAt: 9, promptTokens: 1,
                          completionTokens: 1, tokensSource: .server, outcome: .ok, phase: .measured, sendLag: 1234)
        XCTAssertTrue(live.jsonLine(step: 1).hasSuffix(#","send_lag_ns":1234}"# + "\n"))
        XCTAssertEqual(try Sample(jsonLine: live.jsonLine(step: 1)), live)
        let simulated = Sample(level: 1, client: 0, seq: 0, promptIndex: 0, sentAt: 5, firstTokenAt: nil, finishedAt: 9, promptTokens: 1,
                               completionTokens: 1, tokensSource: .server, outcome: .ok, phase: .measured)
        XCTAssertFalse(simulated.jsonLine(step: 1).contains("send_lag"))
        XCTAssertEqual(try Sample(jsonLine: simulated.jsonLine(step: 1)), simulated)
    }

    func testALiveRunsChecksReadBackFromTheirRecord() throws {
        let run = LevelRun(
            level: Level(concurrency: 2), samples: [], startedAt: 1, windowStart: 2, windowEnd: 3, endedAt: 4,
            client: check(cpu: 1.5, lagP99: 0.001), serverMetrics: ServerMetrics(scrapes: 3, runningMean: 1.5, waitingMean: nil, kvCacheUsageMean: 0.25))
        let data = try JSONEncoder().encode(run)
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(text.contains("\"send_lag_p99_s\":0.001") && text.contains("\"kv_cache_usage_mean\":0.25"), text)
        XCTAssertEqual(try JSONDecoder().decode(LevelRun.self, from: data), run)
    }
}
