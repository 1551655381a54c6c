import Crest
import XCTest
@testable import CrestSimulator
import CrestTestSupport

/// `crest serve` runs the engine for days: what it holds of its requests must stay the size of its
/// recent ones. Regression test: a soak of 70,000 requests grew the server by 0.35 MiB a minute,
/// a slot of the sequence table per request ever served.
final class SequenceTableTests: XCTestCase {
    func testEndedRequestsAreForgottenAndLateOnesStillServed() {
        var engine = BatchingEngine(configuration: SimulatorFixtures.a100Engine, faults: FaultModel(concurrencyCap: 40), seed: 1)
        var notices: [ServerNotice] = []
        var now: Int64 = 0
        var finished = 0
        var refused = 0
        for id in 0..<30_000 {
            // Some requests arrive a little out of order, as over a network with jitter.
            let arriving = id % 50 == 1 ? id + 1 : id % 50 == 2 ? id - 1 : id
            engine.arrive(ServerRequest(id: arriving, promptTokens: 64, outputTokens: 4), at: now, notices: &notices)
            if id % 97 == 5 { engine.abort(request: arriving, at: now) }
            // Time moves on by a step now and then, so up to a few dozen requests are in the engine.
            if id % 8 == 0, let wake = engine.nextWakeup {
                now = wake
                engine.wake(at: wake, notices: &notices)
            }
        }
        while let wake = engine.nextWakeup {
            now = wake
            engine.wake(at: wake, notices: &notices)
        }
        for notice in notices {
            if case .finished = notice { finished += 1 }
            if case .rejected = notice { refused += 1 }
        }
        XCTAssertGreaterThan(finished, 20_000)
        // Every request finished, was refused, or was one of the 310 aborted.
        XCTAssertLessThanOrEqual(finished + refused, 30_000)
        XCTAssertGreaterThanOrEqual(finished + refused, 30_000 - 310)
        XCTAssertLessThan(engine.sequencesHeld, 10_000, "the table forgets ended requests")
    }
}
