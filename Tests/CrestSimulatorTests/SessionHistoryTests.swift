import Crest
import XCTest
@testable import CrestSimulator
import CrestTestSupport

/// Multi-turn sessions in the simulator: the engine keeps a finished turn's context for the
/// conversation's next turn (as vLLM keeps a finished request's blocks until they are needed), and
/// the closed loop makes each client a user whose turns carry the history, with think times between.
final class SessionHistoryTests: XCTestCase {
    private var steadyEngine: BatchingEngineConfiguration {
        var engine = SimulatorFixtures.a100Engine
        engine.stepJitterSigma = 0
        engine.stallProbability = 0
        return engine
    }

    /// Runs `engine` until it is idle; the cached tokens of each request that finished, by id.
    private func runUntilIdle(_ engine: inout BatchingEngine, from start: Int64) -> (now: Int64, cached: [Int: Int?]) {
        var notices: [ServerNotice] = []
        var now = start
        while let wake = engine.nextWakeup {
            now = wake
            engine.wake(at: wake, notices: &notices)
        }
        var cached: [Int: Int?] = [:]
        for notice in notices { if case .finished(let id, _, _, let tokens) = notice { cached[id] = tokens } }
        return (now, cached)
    }

    private func turn(_ id: Int, prompt: Int, session: Int, history: Int, prefix: SharedPrefix? = nil) -> ServerRequest {
        ServerRequest(id: id, promptTokens: prompt, outputTokens: 4, prefix: prefix, session: SessionHistory(session: session, tokens: history))
    }

    func testTheNextTurnReadsTheContextThePreviousTurnLeft() {
        var engine = BatchingEngine(configuration: steadyEngine, faults: FaultModel(), seed: 1)
        var notices: [ServerNotice] = []
        engine.arrive(turn(0, prompt: 100, session: 1, history: 0), at: 0, notices: &notices)
        var (now, cached) = runUntilIdle(&engine, from: 0)
        XCTAssertEqual(cached[0], 0, "the opening turn has nothing to read")
        // Turn 1 left 100 + 4 tokens: 6 whole blocks of 16 (its last token's KV is not computed).
        engine.arrive(turn(1, prompt: 154, session: 1, history: 104), at: now, notices: &notices)
        (now, cached) = runUntilIdle(&engine, from: now)
        XCTAssertEqual(cached[1], 96)
        // Turn 2 grew the entry to its own context, 158 tokens: 9 blocks.
        engine.arrive(turn(2, prompt: 200, session: 1, history: 158), at: now, notices: &notices)
        (now, cached) = runUntilIdle(&engine, from: now)
        XCTAssertEqual(cached[2], 144)
        // Another conversation's history is not this one's.
        engine.arrive(turn(3, prompt: 200, session: 2, history: 158), at: now, notices: &notices)
        XCTAssertEqual(runUntilIdle(&engine, from: now).cached[3], 0)
        XCTAssertEqual(engine.counters.prefixHitTokens, 96 + 144)
    }

    /// With a shared system prompt, a turn reads the prompt's blocks and then its own history's;
    /// without the system prompt's blocks (evicted), its history cannot be matched either.
    func testAHistoryFollowsItsSystemPrompt() {
        var engine = BatchingEngine(configuration: steadyEngine, faults: FaultModel(), seed: 1)
        var notices: [ServerNotice] = []
        let system = SharedPrefix(group: 3, tokens: 2000)
        engine.arrive(turn(0, prompt: 2100, session: 1, history: 0, prefix: system), at: 0, notices: &notices)
        var (now, cached) = runUntilIdle(&engine, from: 0)
        XCTAssertEqual(cached[0], 0)
        // 2,104 tokens left: 131 whole blocks, 125 of them the system prompt's.
        engine.arrive(turn(1, prompt: 2154, session: 1, history: 2104, prefix: system), at: now, notices: &notices)
        (now, cached) = runUntilIdle(&engine, from: now)
        XCTAssertEqual(cached[1], 131 * 16)

        // On a cache of 256 blocks, a request of 244 needs the system prompt's 125 back (the least
        // recently used), and the history's 6 then match nothing.
        var small = steadyEngine
        small.kvCacheTokens = 4096
        engine = BatchingEngine(configuration: small, faults: FaultModel(), seed: 1)
        engine.arrive(turn(0, prompt: 2100, session: 1, history: 0, prefix: system), at: 0, notices: &notices)
        now = runUntilIdle(&engine, from: 0).now
        XCTAssertEqual(engine.load(at: now).kvCacheUsage, 131.0 / 256, accuracy: 1e-9)
        engine.arrive(ServerRequest(id: 1, promptTokens: 3900, outputTokens: 2), at: now, notices: &notices)
        now = runUntilIdle(&engine, from: now).now
        XCTAssertEqual(engine.load(at: now).kvCacheUsage, 6.0 / 256, accuracy: 1e-9, "the history's blocks stayed")
        engine.arrive(turn(2, prompt: 2154, session: 1, history: 2104, prefix: system), at: now, notices: &notices)
        XCTAssertEqual(runUntilIdle(&engine, from: now).cached[2], 0)
    }

    /// Histories nobody reads give their blocks back when a request needs them: after many
    /// conversations on a small cache, one request can still have every block.
    func testNoBlockIsLostToHistories() {
        var small = steadyEngine
        small.kvCacheTokens = 8192
        var engine = BatchingEngine(configuration: small, faults: FaultModel(), seed: 1)
        var notices: [ServerNotice] = []
        var random = SeededRandom(seed: 9)
        var now: Int64 = 0
        var history = [Int](repeating: 0, count: 12)
        for id in 0..<300 {
            let session = random.nextInt(below: 12)
            let prompt = history[session] + 50 + random.nextInt(below: 200)
            guard prompt < 3000 else { history[session] = 0; continue }
            engine.arrive(
                ServerRequest(
                    id: id, promptTokens: prompt, outputTokens: 30, prefix: session % 3 == 0 ? SharedPrefix(group: 0, tokens: 40) : nil,
                    session: SessionHistory(session: session, tokens: history[session])), at: now, notices: &notices)
            history[session] = prompt + 30
            if id % 7 == 3 { engine.abort(request: id - 1, at: now) }
            if id % 2 == 0, let wake = engine.nextWakeup {
                now = wake
                engine.wake(at: wake, notices: &notices)
            }
        }
        now = runUntilIdle(&engine, from: now).now
        XCTAssertGreaterThan(engine.counters.prefixHitTokens, 0)
        notices.removeAll()
        engine.arrive(ServerRequest(id: 1000, promptTokens: 8000, outputTokens: 2), at: now, notices: &notices)
        XCTAssertNotNil(runUntilIdle(&engine, from: now).cached[1000], "all 512 blocks were there to be had: \(engine.load(at: now))")
    }

    // MARK: - The closed loop

    private func sessionLevel(turns: Int = 3, think: Double = 1, concurrency: Int = 8, requests: Int = 600, seed: UInt64 = 4) async throws -> LevelRun {
        let prompts = SimulatorFixtures.prompts(tokens: 300, count: 16, maxOutputTokens: 64)
        let dataset = Dataset(name: "t", path: "t.jsonl", format: .plainText, prompts: prompts, fingerprint: "0")
            .shaped(WorkloadShape(sessions: SessionShape(turns: turns, meanThinkSeconds: think)))
        let measurer = SimulatedMeasurer(
            endpoint: SimulatorFixtures.endpoint(outputTokens: 64), dataset: dataset, seed: seed, requestTimeoutSeconds: 600)
        return try await measurer.measure(Level(concurrency: concurrency), until: .requests(requests))
    }

    func testEachUserHoldsAConversationWhoseContextGrows() async throws {
        let run = try await sessionLevel()
        for client in 0..<8 {
            let requests = run.samples.filter { $0.client == client }.sorted { $0.seq < $1.seq }
            XCTAssertGreaterThan(requests.count, 6)
            XCTAssertEqual(requests.map(\.turn), requests.indices.map { $0 % 3 + 1 }, "client \(client)")
            // A later turn's prompt is the turn before it, its answer and 300 tokens more.
            for (before, after) in zip(requests, requests.dropFirst()) where after.turn! > 1 {
                XCTAssertEqual(after.promptTokens, before.promptTokens + before.completionTokens + 300)
                XCTAssertGreaterThan(after.cachedTokens ?? 0, before.promptTokens - 16, "the history was still held")
            }
        }
        let summary = LevelSummary(run, confidence: 0.95)
        let turns = try XCTUnwrap(summary.turns)
        XCTAssertEqual(turns.map(\.turn), [1, 2, 3])
        XCTAssertLessThan(turns[0].promptTokenCountMean, turns[2].promptTokenCountMean)
        XCTAssertEqual(turns[0].prefixCacheHitRate, 0)
        XCTAssertGreaterThan(turns[2].prefixCacheHitRate!, 0.6)
    }

    /// A level's concurrency is its users: while they think fewer requests are in flight, and that
    /// is no shortfall of load; the think times are exponential with the mean asked for.
    func testUsersThinkingAreAtWork() async throws {
        let run = try await sessionLevel(think: 2, requests: 900)
        let inFlight = try XCTUnwrap(run.inFlightMean), thinking = try XCTUnwrap(run.thinkingMean)
        XCTAssertLessThan(inFlight, 6, "two of three gaps are a 2 s think beside answers of about a second")
        XCTAssertGreaterThan(thinking, 2)
        XCTAssertEqual(inFlight + thinking, 8, accuracy: 0.8)
        XCTAssertNil(LoadShortfall(run))
        var thinks: [Double] = []
        for client in 0..<8 {
            let requests = run.samples.filter { $0.client == client }.sorted { $0.seq < $1.seq }
            for (before, after) in zip(requests, requests.dropFirst()) where after.turn! > 1 {
                thinks.append(Double(after.sentAt - before.finishedAt) / 1e9)
            }
        }
        XCTAssertGreaterThan(thinks.count, 200)
        let mean = thinks.reduce(0, +) / Double(thinks.count)
        // An exponential's mean over n draws has a standard error of mean/√n: within 4 of them.
        XCTAssertEqual(mean, 2, accuracy: 4 * 2 / Double(thinks.count).squareRoot(), "\(thinks.count) think times")
        let medianShare = Double(thinks.count { $0 < 2 * log(2.0) }) / Double(thinks.count)
        XCTAssertEqual(medianShare, 0.5, accuracy: 0.1, "half an exponential's draws fall under its median")
    }

    /// A conversation's own later turns (a ShareGPT conversation's) come first, each with its own
    /// length; then the dataset's next prompts.
    func testAConversationSendsItsOwnLaterTurnsFirst() async throws {
        let later = [10, 12].map { cap in
            Prompt(content: .text("and?"), promptTokens: 5, promptTokensSource: .estimate, maxOutputTokens: cap, line: 1)
        }
        let prompts = (0..<16).map { index in
            Prompt(
                content: .text("prompt \(index)"), promptTokens: 300, promptTokensSource: .dataset, maxOutputTokens: 64, line: index + 1,
                laterTurns: index % 2 == 0 ? later : [])
        }
        let dataset = Dataset(name: "t", path: "t.jsonl", format: .shareGPT, prompts: prompts, fingerprint: "0")
            .shaped(WorkloadShape(sessions: SessionShape(turns: 4, meanThinkSeconds: 0.5)))
        let measurer = SimulatedMeasurer(endpoint: SimulatorFixtures.endpoint(outputTokens: 64), dataset: dataset, seed: 2, requestTimeoutSeconds: 600)
        let run = try await measurer.measure(Level(concurrency: 4), until: .requests(300))
        var ownTurns = 0
        for client in 0..<4 {
            let requests = run.samples.filter { $0.client == client }.sorted { $0.seq < $1.seq }
            var opener: Sample?
            for sample in requests {
                if sample.turn == 1 { opener = sample }
                guard let opener, sample.turn! > 1 else { continue }
                let hasOwn = opener.promptIndex % 2 == 0
                if hasOwn, sample.turn! <= 3 {
                    ownTurns += 1
                    XCTAssertEqual(sample.promptIndex, opener.promptIndex, "client \(client)")
                    XCTAssertEqual(sample.completionTokens, [10, 12][sample.turn! - 2])
                } else {
                    XCTAssertEqual(sample.completionTokens, 64, "a dataset prompt's own length")
                }
            }
        }
        XCTAssertGreaterThan(ownTurns, 40)
    }

    func testASessionLevelIsTheSameForTheSameSeed() async throws {
        let first = try await sessionLevel(requests: 200), again = try await sessionLevel(requests: 200)
        let other = try await sessionLevel(requests: 200, seed: 5)
        XCTAssertEqual(first.samples, again.samples)
        XCTAssertNotEqual(first.samples, other.samples)
    }
}
