import XCTest
@testable import Crest

final class LevelRecorderTests: XCTestCase {
    private func sample(_ seq: Int, sent: Int64, finished: Int64, phase: Phase, outcome: Outcome = .ok) -> Sample {
        Sample(
            level: 2, client: seq % 2, seq: seq, promptIndex: 0, sentAt: sent, firstTokenAt: sent + 1, finishedAt: finished,
            promptTokens: 10, completionTokens: 5, tokensSource: .server, outcome: outcome, phase: phase)
    }

    // Warm-up is the first max(N, 8) completions; the window opens at the last of them and closes
    // at the first send after the count.
    func testRequestsRuleOpensAfterWarmupAndClosesAfterTheCount() {
        var recorder = LevelRecorder(level: Level(concurrency: 2), rule: .requests(3), startedAt: 0)
        var time: Int64 = 0
        for seq in 0..<8 {
            XCTAssertEqual(recorder.requestSent(at: time), .warmup)
            recorder.requestFinished(sample(seq, sent: time, finished: time + 10, phase: .warmup))
            time += 10
        }
        XCTAssertEqual(recorder.windowStart, 80, "the eighth completion")
        XCTAssertFalse(recorder.isComplete)
        let phases = (0..<4).map { index in recorder.requestSent(at: 80 + Int64(index)) }
        XCTAssertEqual(phases, [.measured, .measured, .measured, .cooldown])
        XCTAssertEqual(recorder.windowEnd, 83)
        XCTAssertFalse(recorder.isComplete, "measured requests are still running")
        for seq in 8..<11 { recorder.requestFinished(sample(seq, sent: 80 + Int64(seq - 8), finished: 200, phase: .measured)) }
        XCTAssertTrue(recorder.isComplete)
        let run = recorder.finish(endedAt: 200)
        XCTAssertEqual(run.measured.count, 3)
        XCTAssertEqual(run.windowSeconds, 3e-9, accuracy: 1e-15, "[80, 83): three sends")
    }

    func testDurationRuleClosesOnTheClock() {
        var recorder = LevelRecorder(level: Level(concurrency: 8), rule: .duration(seconds: 1), startedAt: 0)
        for seq in 0..<8 {
            _ = recorder.requestSent(at: 0)
            recorder.requestFinished(sample(seq, sent: 0, finished: 100, phase: .warmup))
        }
        XCTAssertEqual(recorder.requestSent(at: 500), .measured)
        recorder.advanceClock(to: 1_000_000_100)
        XCTAssertEqual(recorder.windowEnd, 1_000_000_100)
        XCTAssertEqual(recorder.requestSent(at: 1_000_000_200), .cooldown)
        recorder.requestFinished(sample(9, sent: 500, finished: 1_500_000_000, phase: .measured))
        XCTAssertTrue(recorder.isComplete)
    }

    func testWarmupIsAtLeastEightCompletions() {
        XCTAssertEqual(Level(concurrency: 1).warmupCompletions, 8)
        XCTAssertEqual(Level(concurrency: 64).warmupCompletions, 64)
    }
}
