import Crest
import XCTest
@testable import CrestSimulator
import CrestTestSupport

/// A level's clients start one by one, so identical requests do not fall into lock-step.
final class StaggeredStartTests: XCTestCase {
    private func firstRequests(of level: SimulatedLevel) -> [Sample] {
        level.run.samples.filter { $0.seq == 0 }.sorted { $0.client < $1.client }
    }

    // Each client starts when the previous client's first token arrives: with identical prompts
    // and outputs and no jitter, started together they would be prefilled in one step and share
    // every first-token time from then on.
    func testClientsStartOneByOneAndStayOutOfLockStep() throws {
        let endpoint = SimulatorFixtures.endpoint(outputTokens: 128)
        let (level, _) = try SimulatorFixtures.measure(
            endpoint, concurrency: 4, requests: 400, prompts: SimulatorFixtures.prompts(tokens: 1024))
        let first = firstRequests(of: level)
        XCTAssertEqual(first.map(\.client), [0, 1, 2, 3])
        for (previous, next) in zip(first, first.dropFirst()) {
            XCTAssertEqual(next.sentAt, try XCTUnwrap(previous.firstTokenAt), "client \(next.client) starts at client \(previous.client)'s first token")
        }
        let measured = level.run.samples.filter { $0.phase == .measured }
        XCTAssertGreaterThanOrEqual(measured.count, 400)
        let firstTokenTimes = measured.compactMap(\.firstTokenAt)
        XCTAssertEqual(Set(firstTokenTimes).count, firstTokenTimes.count, "no two requests prefilled in the same step")
        XCTAssertGreaterThanOrEqual(level.run.windowStart, first.last!.sentAt, "the window opens once every client runs")
    }

    // With many clients, early ones are answered again while later ones start; only an answer to a
    // request sent since the latest start starts the next client, so no two clients start
    // together even when one step answers several requests.
    func testEachClientStartsOnAnAnswerToARequestSentSinceThePreviousStart() throws {
        let endpoint = SimulatorFixtures.endpoint(outputTokens: 64, outputSigma: 0.5)
        let (level, _) = try SimulatorFixtures.measure(
            endpoint, concurrency: 64, requests: 256, prompts: SimulatorFixtures.prompts(from: 100, to: 500))
        let starts = firstRequests(of: level).map(\.sentAt)
        XCTAssertEqual(starts.count, 64)
        for (previous, start) in zip(starts, starts.dropFirst()) {
            XCTAssertGreaterThan(start, previous)
            let trigger = level.run.samples.contains { sample in
                sample.sentAt >= previous && (sample.firstTokenAt ?? sample.finishedAt) == start
            }
            XCTAssertTrue(trigger || start - previous == 1_000_000_000, "the start at \(start) ns follows no answer to a request sent since \(previous) ns")
        }
    }

    // A server slow to answer does not stretch the start: the next client starts a second after
    // the one before at the latest. With one sequence at a time, client 1's request waits for
    // client 0's whole answer (seconds), so no response begins while client 1 waits.
    func testASlowFirstTokenStartsTheNextClientAfterASecond() throws {
        var engine = SimulatorFixtures.a100Engine
        engine.maxRunningSequences = 1
        let endpoint = SimulatorFixtures.endpoint(engine: engine, outputTokens: 500)
        let (level, _) = try SimulatorFixtures.measure(endpoint, concurrency: 3, requests: 20, prompts: SimulatorFixtures.prompts(tokens: 100))
        let first = firstRequests(of: level)
        XCTAssertEqual(first[1].sentAt, try XCTUnwrap(first[0].firstTokenAt))
        XCTAssertGreaterThan(try XCTUnwrap(first[1].firstTokenAt) - first[1].sentAt, 2_000_000_000, "client 1 waits for a slot")
        XCTAssertEqual(first[2].sentAt - first[1].sentAt, 1_000_000_000)
    }

    // A level too large to start at a second a client behind a queue: 3,000 clients, one
    // sequence at a time, start within five minutes (a gap of 100 ms), not in fifty.
    func testAHugeLevelStartsWithinFiveMinutesBehindAQueue() throws {
        XCTAssertEqual(StaggeredStart.longestGap(clients: 300), 1_000_000_000, "levels up to 300 keep the second")
        XCTAssertEqual(StaggeredStart.longestGap(clients: 3000), 100_000_000)
        var engine = SimulatorFixtures.a100Engine
        engine.maxRunningSequences = 1
        let endpoint = SimulatorFixtures.endpoint(engine: engine, outputTokens: 500)
        let (level, _) = try SimulatorFixtures.measure(endpoint, concurrency: 3000, requests: 3000, prompts: SimulatorFixtures.prompts(tokens: 100))
        let starts = firstRequests(of: level).map(\.sentAt)
        XCTAssertEqual(starts.count, 3000)
        XCTAssertLessThanOrEqual(starts.last! - starts.first!, StaggeredStart.longestStartNanoseconds)
        XCTAssertEqual(starts[2] - starts[1], 100_000_000)
    }
}
