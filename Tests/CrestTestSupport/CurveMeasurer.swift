import Foundation
import Crest

/// A closed-loop measurer whose latency at each concurrency follows a scripted curve: each request's
/// latency is log-normal around `medianLatency(N)`, or with `tail(N).probability` takes
/// `tail(N).seconds` instead, and fails with `failureProbability(N)` (as a 429 when `failsAs429`).
/// N clients send back to back; throughput emerges as N / mean latency.
/// With `spells`, requests are correlated as on a batching engine: those sent close together share
/// a slow spell (a stall, a long prefill, a queue state) that multiplies their latency.
/// Deterministic for a seed. The scripted shapes test the adaptive controller and the level tests.
public actor CurveMeasurer: Measurer {
    public let medianLatency: @Sendable (Int) -> Double
    public let failureProbability: @Sendable (Int) -> Double
    public let tail: @Sendable (Int) -> (probability: Double, seconds: Double)
    public let sigma: Double
    public let failsAs429: Bool
    public let seed: UInt64
    public let spells: SlowSpells?
    private var clock: Int64 = 0
    private(set) var levelsMeasured: [Int] = []

    public init(
        sigma: Double = 0.3, seed: UInt64 = 1, failsAs429: Bool = false, spells: SlowSpells? = nil,
        failureProbability: @escaping @Sendable (Int) -> Double = { _ in 0 },
        tail: @escaping @Sendable (Int) -> (probability: Double, seconds: Double) = { _ in (0, 0) },
        medianLatency: @escaping @Sendable (Int) -> Double
    ) {
        self.medianLatency = medianLatency
        self.failureProbability = failureProbability
        self.tail = tail
        self.sigma = sigma
        self.failsAs429 = failsAs429
        self.seed = seed
        self.spells = spells
    }

    /// The true p-quantile of latency at `n` clients, for a curve without tail or failures: the
    /// limit at which a percentile budget sits exactly on its edge.
    public nonisolated func trueQuantile(_ p: Double, at n: Int) -> Double {
        let median = medianLatency(n)
        func share(over limit: Double) -> Double {
            let calm = 1 - SpecialFunctions.normalCDF(log(limit / median) / sigma)
            guard let spells else { return calm }
            let slow = 1 - SpecialFunctions.normalCDF(log(limit / (median * spells.factor)) / sigma)
            return (1 - spells.share) * calm + spells.share * slow
        }
        var low = median / 100
        var high = median * 100 * (spells?.factor ?? 1)
        for _ in 0..<200 {
            let middle = (low * high).squareRoot()
            if share(over: middle) > 1 - p { low = middle } else { high = middle }
        }
        return (low * high).squareRoot()
    }

    public func measure(_ level: Level, until rule: StopRule) throws -> LevelRun {
        levelsMeasured.append(level.concurrency)
        let n = level.concurrency
        var random = SeededRandom(seed: derivedSeed(seed, UInt64(n), UInt64(levelsMeasured.count)))
        var recorder = LevelRecorder(level: level, rule: rule, startedAt: clock)
        // In-flight requests: (finish time, client, seq, sent, sent request, outcome).
        var inFlight: [(finish: Int64, client: Int, seq: Int, sent: Int64, request: LevelRecorder.SentRequest, outcome: Outcome)] = []
        var seqs = Array(repeating: 0, count: n)
        var inSpell = false
        func send(_ client: Int, at time: Int64) {
            let request = recorder.requestSent(at: time)
            if let spells {
                inSpell = random.nextBool(probability: inSpell ? 1 - spells.leaveProbability : spells.enterProbability)
            }
            let fails = random.nextBool(probability: failureProbability(n))
            let slow = tail(n)
            // No draw without a tail, so the scripted curves without one keep their random streams.
            let isSlow = slow.probability > 0 && random.nextBool(probability: slow.probability)
            let latency = fails ? 0.01 : isSlow ? slow.seconds : medianLatency(n) * random.nextLogNormal(mu: 0, sigma: sigma) * (inSpell ? spells!.factor : 1)
            let finish = time + Int64(latency * 1e9)
            if !fails { recorder.firstTokenArrived(request, at: time + Int64(latency * 0.1e9)) }
            inFlight.append((finish, client, seqs[client], time, request, fails ? (failsAs429 ? .http429 : .http5xx) : .ok))
            seqs[client] += 1
        }
        for client in 0..<n { send(client, at: clock) }
        while true {
            let index = inFlight.indices.min { (inFlight[$0].finish, inFlight[$0].client) < (inFlight[$1].finish, inFlight[$1].client) }!
            let done = inFlight.remove(at: index)
            let ok = done.outcome == .ok
            recorder.requestFinished(
                Sample(
                    level: n, client: done.client, seq: done.seq, promptIndex: 0, sentAt: done.sent,
                    firstTokenAt: ok ? done.sent + (done.finish - done.sent) / 10 : nil, finishedAt: done.finish, promptTokens: 500,
                    completionTokens: ok ? 100 : 0, tokensSource: ok ? .server : .estimate, outcome: done.outcome, phase: done.request.phase),
                done.request)
            if recorder.isComplete {
                let run = recorder.finish(endedAt: done.finish)
                clock = done.finish
                return run
            }
            send(done.client, at: done.finish)
            if let next = inFlight.map(\.finish).min() { recorder.advanceClock(to: next) }
            if recorder.isComplete {
                let run = recorder.finish(endedAt: done.finish)
                clock = done.finish
                return run
            }
        }
    }
}

/// Slow spells shared by requests sent one after another: a two-state Markov chain over sends,
/// whose stationary share of requests in a spell is `share` and whose spells last `meanLength`
/// requests on average. Requests of one spell are over a limit together, so exceedance counts vary
/// more than a binomial's: by a design effect of about 1 + 2ρ·λ/(1 − λ) over long blocks, with ρ
/// the correlation of two requests' exceedances in the same state and λ = 1 − enter − leave.
public struct SlowSpells: Sendable {
    public let share: Double
    public let meanLength: Double
    public let factor: Double

    public init(share: Double, meanLength: Double, factor: Double) {
        self.share = share
        self.meanLength = meanLength
        self.factor = factor
    }

    var leaveProbability: Double { 1 / meanLength }
    var enterProbability: Double { leaveProbability * share / (1 - share) }
}
