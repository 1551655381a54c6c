import XCTest
@testable import Crest

final class LevelRecorderTests: XCTestCase {
    private func sample(_ seq: Int, sent: Int64, finished: Int64, phase: Phase, outcome: Outcome = .ok, level: Int = 2) -> Sample {
        Sample(
            level: level, client: seq % level, seq: seq, promptIndex: 0, sentAt: sent, firstTokenAt: sent + 1, finishedAt: finished,
            promptTokens: 10, completionTokens: 5, tokensSource: .server, outcome: outcome, phase: phase)
    }

    /// Sends and finishes `count` warm-up requests one after another, 10 ns each.
    private func warmUp(_ recorder: inout LevelRecorder, count: Int, level: Int = 2) {
        for seq in 0..<count {
            let time = Int64(seq) * 10
            let sent = recorder.requestSent(at: time)
            XCTAssertEqual(sent.phase, .warmup)
            recorder.requestFinished(sample(seq, sent: time, finished: time + 10, phase: .warmup, level: level), sent)
        }
    }

    // Warm-up is the first max(N, 8) completions; the window opens at the last of them and closes
    // at the first send after the count.
    func testRequestsRuleOpensAfterWarmupAndClosesAfterTheCount() {
        var recorder = LevelRecorder(level: Level(concurrency: 2), rule: .requests(3), startedAt: 0)
        warmUp(&recorder, count: 8)
        XCTAssertEqual(recorder.windowStart, 80, "the eighth completion")
        XCTAssertFalse(recorder.isComplete)
        let sent = (0..<4).map { index in recorder.requestSent(at: 80 + Int64(index)) }
        XCTAssertEqual(sent.map(\.phase), [.measured, .measured, .measured, .cooldown])
        XCTAssertEqual(recorder.windowEnd, 83)
        XCTAssertFalse(recorder.isComplete, "measured requests are still running")
        for index in 0..<3 { recorder.requestFinished(sample(8 + index, sent: 80 + Int64(index), finished: 200, phase: .measured), sent[index]) }
        XCTAssertTrue(recorder.isComplete)
        let run = recorder.finish(endedAt: 200)
        XCTAssertEqual(run.measured.count, 3)
        XCTAssertEqual(run.windowSeconds, 3e-9, accuracy: 1e-15, "[80, 83): three sends")
        XCTAssertNil(run.decision)
    }

    // The in-flight mean counts every request of the level over the window, the one still running
    // at its end included; the samples alone would miss it.
    func testTheInFlightMeanCountsRequestsAsTheyStartAndEnd() {
        var recorder = LevelRecorder(level: Level(concurrency: 2), rule: .duration(seconds: 100e-9), startedAt: 0)
        warmUp(&recorder, count: 8)
        XCTAssertEqual(recorder.windowStart, 80)
        // Window [80, 180): one request runs throughout and past the end; another runs for the
        // first half (its client then waits, as after a 429).
        let long = recorder.requestSent(at: 80)
        let short = recorder.requestSent(at: 80)
        recorder.requestFinished(sample(9, sent: 80, finished: 130, phase: .measured), short)
        recorder.advanceClock(to: 180)
        XCTAssertEqual(recorder.windowEnd, 180)
        recorder.requestFinished(sample(8, sent: 80, finished: 400, phase: .measured), long)
        let run = recorder.finish(endedAt: 400)
        XCTAssertEqual(try XCTUnwrap(run.inFlightMean), 1.5, accuracy: 1e-12, "(100 + 50) request·ns over 100 ns")
        XCTAssertNotNil(LoadShortfall(run), "1.5 of 2 is under 90%")
    }

    // With a staggered start the window waits for the last client, even when the warm-up
    // completions came first; the last client's first request is warm-up.
    func testStaggeredStartOpensTheWindowWhenTheLastClientStarts() {
        var recorder = LevelRecorder(level: Level(concurrency: 2), rule: .requests(3), startedAt: 0, staggeredStart: true)
        warmUp(&recorder, count: 9)
        XCTAssertNil(recorder.windowStart, "eight completions, but a client has not started yet")
        let lastClientsFirst = recorder.requestSent(at: 95)
        XCTAssertEqual(lastClientsFirst.phase, .warmup)
        recorder.lastClientStarted(at: 95)
        XCTAssertEqual(recorder.windowStart, 95)
        XCTAssertEqual(recorder.requestSent(at: 96).phase, .measured)
    }

    func testStaggeredStartWaitsForTheWarmupAfterTheLastClientStarts() {
        var recorder = LevelRecorder(level: Level(concurrency: 2), rule: .requests(3), startedAt: 0, staggeredStart: true)
        recorder.lastClientStarted(at: 0)
        warmUp(&recorder, count: 8)
        XCTAssertEqual(recorder.windowStart, 80, "the eighth completion, as without a stagger")
    }

    // A level that starts with an earlier level's requests in flight counts their ends toward its
    // warm-up (they renew what runs, as its own do) and their time in flight toward its load, but
    // records none of them: the level that sent them did.
    func testRequestsCarriedFromTheLevelBeforeCountTowardTheWarmupAndTheLoad() throws {
        var recorder = LevelRecorder(
            level: Level(concurrency: 8), rule: .duration(seconds: 100e-9), startedAt: 0, staggeredStart: true, carriedRequests: 8)
        recorder.lastClientStarted(at: 0)
        var own: [LevelRecorder.SentRequest] = []
        for index in 0..<8 {
            let time = Int64(index) * 10
            recorder.carriedRequestFinished(at: time)
            own.append(recorder.requestSent(at: time))
        }
        XCTAssertEqual(recorder.windowStart, 70, "eight carried ends: one turn of what was in flight")
        XCTAssertEqual(own.map(\.phase), Array(repeating: .warmup, count: 7) + [.measured], "the eighth was sent as the window opened")
        XCTAssertTrue(recorder.samples.isEmpty, "the level before records its own requests")
        let measured = recorder.requestSent(at: 75)
        XCTAssertEqual(measured.phase, .measured)
        recorder.advanceClock(to: 170)
        for (index, sent) in own.enumerated() {
            recorder.requestFinished(sample(index, sent: Int64(index) * 10, finished: 500, phase: sent.phase, level: 8), sent)
        }
        recorder.requestFinished(sample(8, sent: 75, finished: 500, phase: .measured, level: 8), measured)
        let run = recorder.finish(endedAt: 500)
        XCTAssertEqual(try XCTUnwrap(run.inFlightMean), 8.95, accuracy: 1e-12, "its first 8 requests over [70, 170), the ninth over [75, 170)")
        XCTAssertEqual(run.samples.count, 9)
    }

    func testDurationRuleClosesOnTheClock() {
        var recorder = LevelRecorder(level: Level(concurrency: 8), rule: .duration(seconds: 1), startedAt: 0)
        warmUp(&recorder, count: 8, level: 8)
        let measured = recorder.requestSent(at: 500)
        XCTAssertEqual(measured.phase, .measured)
        recorder.advanceClock(to: 1_000_000_080)
        XCTAssertEqual(recorder.windowEnd, 1_000_000_080)
        XCTAssertEqual(recorder.requestSent(at: 1_000_000_200).phase, .cooldown)
        recorder.requestFinished(sample(9, sent: 500, finished: 1_500_000_000, phase: .measured, level: 8), measured)
        XCTAssertTrue(recorder.isComplete)
    }

    func testWarmupIsAtLeastEightCompletions() {
        XCTAssertEqual(Level(concurrency: 1).warmupCompletions, 8)
        XCTAssertEqual(Level(concurrency: 64).warmupCompletions, 64)
    }

    // A level far over its p95 limit is decided after a handful of requests, before they even
    // finish: requests still running past the limit are already over it.
    func testSequentialRuleStopsAClearlyInfeasibleLevelEarly() throws {
        let budget = Budget(latency: [try LatencyConstraint(parsing: "e2e.p95<=1s")], maxErrorRate: nil)
        var recorder = LevelRecorder(level: Level(concurrency: 2), rule: .sequential(.screening(budget, level: Level(concurrency: 2))), startedAt: 0)
        warmUp(&recorder, count: 8)
        var sent: [LevelRecorder.SentRequest] = []
        for index in 0..<10 { sent.append(recorder.requestSent(at: 100 + Int64(index))) }
        XCTAssertNil(recorder.windowEnd)
        recorder.advanceClock(to: 2_000_000_000)
        XCTAssertEqual(recorder.windowEnd, 2_000_000_000, "ten requests past 1 s settle it")
        XCTAssertEqual(recorder.requestSent(at: 2_000_000_001).phase, .cooldown)
        for (index, request) in sent.enumerated() {
            recorder.requestFinished(sample(8 + index, sent: 100 + Int64(index), finished: 3_000_000_000, phase: .measured), request)
        }
        let decision = try XCTUnwrap(recorder.finish(endedAt: 3_000_000_000).decision)
        XCTAssertFalse(decision.isFeasible)
        XCTAssertEqual(decision.certainty, .certified)
        XCTAssertEqual(decision.requests, 32, "the first look, over its first 32 requests")
    }

    // A running level says how many measured requests have finished against its test's next
    // look, and the budget's statistic over them: here 4 of 32 finished, one of them at 3 s.
    func testProgressCountsTheLookAndEstimatesTheStatistic() throws {
        let budget = Budget(latency: [try LatencyConstraint(parsing: "e2e.p95<=2s")], maxErrorRate: 0.01)
        var recorder = LevelRecorder(level: Level(concurrency: 2), rule: .sequential(.screening(budget, level: Level(concurrency: 2))), startedAt: 0)
        XCTAssertFalse(recorder.progress(at: 0).isMeasuring)
        warmUp(&recorder, count: 8)
        for index in 0..<5 {
            let sent = recorder.requestSent(at: 100 + Int64(index))
            if index < 4 {
                let latency: Int64 = index == 3 ? 3_000_000_000 : 500_000_000
                recorder.requestFinished(sample(8 + index, sent: 100 + Int64(index), finished: 100 + Int64(index) + latency, phase: .measured), sent)
            }
        }
        let progress = recorder.progress(at: 4_000_000_000)
        XCTAssertTrue(progress.isMeasuring)
        XCTAssertEqual(progress.finished, 4)
        XCTAssertEqual(progress.needed, 32)
        XCTAssertEqual(progress.elapsedSeconds, 4)
        let estimate = try XCTUnwrap(progress.estimate)
        XCTAssertEqual(estimate.constraint.statisticName, "e2e.p95", "the statistic nearest its limit")
        XCTAssertEqual(estimate.value, 0.5 + 0.85 * 2.5, accuracy: 1e-6, "the linear p95 of 0.5, 0.5, 0.5 and 3 s")
        XCTAssertGreaterThan(estimate.ratio, 1)
    }
}
