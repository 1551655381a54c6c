import Crest
import XCTest
@testable import CrestSimulator
import CrestTestSupport

/// The batching engine's prefix cache, as vLLM's automatic prefix caching: a system prompt shared
/// by a group of requests is computed once, then read from the KV cache, and gives its blocks
/// back when they are needed and no running request reads it.
final class PrefixCacheTests: XCTestCase {
    private struct Finish {
        let firstToken: Int64
        let end: Int64
        let cachedTokens: Int?
    }

    /// Runs `engine` alone until it is idle; what each request did, by id.
    private func runUntilIdle(_ engine: inout BatchingEngine, from start: Int64, sentAt: [Int: Int64]) -> (now: Int64, finished: [Int: Finish]) {
        var notices: [ServerNotice] = []
        var now = start
        var firstTokens: [Int: Int64] = [:]
        var finished: [Int: Finish] = [:]
        while let wake = engine.nextWakeup {
            now = wake
            engine.wake(at: wake, notices: &notices)
        }
        for notice in notices {
            switch notice {
            case .firstToken(let id, let time): firstTokens[id] = time - sentAt[id]!
            case .finished(let id, let time, _, let cached): finished[id] = Finish(firstToken: firstTokens[id]!, end: time, cachedTokens: cached)
            default: break
            }
        }
        return (now, finished)
    }

    private func request(_ id: Int, prompt: Int, prefix: SharedPrefix?) -> ServerRequest {
        ServerRequest(id: id, promptTokens: prompt, outputTokens: 4, prefix: prefix)
    }

    private var steadyEngine: BatchingEngineConfiguration {
        var engine = SimulatorFixtures.a100Engine
        engine.stepJitterSigma = 0
        engine.stallProbability = 0
        return engine
    }

    func testASharedPrefixIsComputedOnceThenRead() {
        var engine = BatchingEngine(configuration: steadyEngine, faults: FaultModel(), seed: 1)
        var notices: [ServerNotice] = []
        let shared = SharedPrefix(group: 7, tokens: 2000)
        // The first of its group computes it all.
        engine.arrive(request(0, prompt: 2100, prefix: shared), at: 0, notices: &notices)
        var (now, finished) = runUntilIdle(&engine, from: 0, sentAt: [0: 0])
        XCTAssertEqual(finished[0]?.cachedTokens, 0)
        // The next of its group reads the prefix's 125 whole blocks and computes the rest.
        engine.arrive(request(1, prompt: 2100, prefix: shared), at: now, notices: &notices)
        let second = runUntilIdle(&engine, from: now, sentAt: [1: now])
        XCTAssertEqual(second.finished[1]?.cachedTokens, 2000)
        now = second.now
        // Another group's prefix is not this one.
        engine.arrive(request(2, prompt: 2100, prefix: SharedPrefix(group: 8, tokens: 2000)), at: now, notices: &notices)
        let other = runUntilIdle(&engine, from: now, sentAt: [2: now])
        XCTAssertEqual(other.finished[2]?.cachedTokens, 0)
        // Prefill is most of a first token here: reading the prefix makes it several times faster.
        let cold = Double(finished[0]!.firstToken), warm = Double(second.finished[1]!.firstToken)
        XCTAssertLessThan(warm, cold / 3, "cold \(cold) ns, warm \(warm) ns")
        XCTAssertEqual(Double(other.finished[2]!.firstToken), cold, accuracy: cold * 0.01)
        XCTAssertEqual(engine.counters.prefixHitTokens, 2000)
        XCTAssertEqual(engine.counters.prefixQueryTokens, 3 * 2100)
    }

    /// A request without a shared prefix reports no cached tokens, as an endpoint whose usage has none.
    func testARequestWithoutAPrefixReportsNoCacheAtAll() {
        var engine = BatchingEngine(configuration: steadyEngine, faults: FaultModel(), seed: 1)
        var notices: [ServerNotice] = []
        engine.arrive(request(0, prompt: 500, prefix: nil), at: 0, notices: &notices)
        let run = runUntilIdle(&engine, from: 0, sentAt: [0: 0])
        XCTAssertNotNil(run.finished[0])
        XCTAssertNil(run.finished[0]?.cachedTokens)
        XCTAssertEqual(engine.counters.prefixQueryTokens, 0)
    }

    /// A cached prefix nobody reads holds its blocks only until a request needs them: then it is
    /// dropped (the least recently used first), and its group computes it again.
    func testAnIdlePrefixGivesItsBlocksBackWhenTheyAreNeeded() {
        var small = steadyEngine
        small.kvCacheTokens = 4096
        var engine = BatchingEngine(configuration: small, faults: FaultModel(), seed: 1)
        var notices: [ServerNotice] = []
        let shared = SharedPrefix(group: 1, tokens: 2000)
        engine.arrive(request(0, prompt: 2100, prefix: shared), at: 0, notices: &notices)
        var now = runUntilIdle(&engine, from: 0, sentAt: [0: 0]).now
        XCTAssertEqual(engine.load(at: now).kvCacheUsage, 125.0 / 256, accuracy: 1e-9, "the idle prefix keeps its 125 blocks")
        // 3,900 tokens need 244 of the 256 blocks: only with the prefix's given back.
        engine.arrive(request(1, prompt: 3900, prefix: nil), at: now, notices: &notices)
        let big = runUntilIdle(&engine, from: now, sentAt: [1: now])
        XCTAssertNotNil(big.finished[1], "admitted once the idle prefix gave its blocks back")
        now = big.now
        XCTAssertEqual(engine.load(at: now).kvCacheUsage, 0, accuracy: 1e-9)
        engine.arrive(request(2, prompt: 2100, prefix: shared), at: now, notices: &notices)
        XCTAssertEqual(runUntilIdle(&engine, from: now, sentAt: [2: now]).finished[2]?.cachedTokens, 0, "computed again")
    }

    /// Many requests of a few groups, some aborted and some preempted on a small cache: at the end
    /// every block is free or held by an idle prefix, and all of them can be had by one request.
    func testNoBlockIsLostToSharingAbortsAndPreemption() {
        var small = steadyEngine
        small.kvCacheTokens = 8192
        var engine = BatchingEngine(configuration: small, faults: FaultModel(), seed: 1)
        var notices: [ServerNotice] = []
        var random = SeededRandom(seed: 5)
        var now: Int64 = 0
        for id in 0..<400 {
            let group = random.nextInt(below: 4)
            let request = ServerRequest(
                id: id, promptTokens: 600 + random.nextInt(below: 400), outputTokens: 20 + random.nextInt(below: 200),
                prefix: group == 3 ? nil : SharedPrefix(group: group, tokens: 500))
            engine.arrive(request, at: now, notices: &notices)
            if id % 13 == 4 { engine.abort(request: id - 2, at: now) }
            if id % 3 == 0, let wake = engine.nextWakeup {
                now = wake
                engine.wake(at: wake, notices: &notices)
            }
        }
        while let wake = engine.nextWakeup {
            now = wake
            engine.wake(at: wake, notices: &notices)
        }
        XCTAssertGreaterThan(engine.counters.preemptions, 0, "the cache was tight enough to preempt")
        XCTAssertGreaterThan(engine.counters.prefixHitTokens, 0)
        // What is still held is idle prefixes' blocks, at most 3 × 31.
        let held = Int((engine.load(at: now).kvCacheUsage * 512).rounded())
        XCTAssertLessThanOrEqual(held, 3 * 31)
        notices.removeAll()
        engine.arrive(ServerRequest(id: 400, promptTokens: 8000, outputTokens: 2), at: now, notices: &notices)
        while let wake = engine.nextWakeup {
            now = wake
            engine.wake(at: wake, notices: &notices)
        }
        XCTAssertTrue(notices.contains { if case .finished(400, _, _, _) = $0 { return true } else { return false } }, "all 512 blocks were there to be had: \(engine.load(at: now))")
    }
}
