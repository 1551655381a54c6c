import Crest
import Foundation

/// A hosted API modelled per request (see `HostedAPIConfiguration`): it draws each request's TTFT
/// and token speed on arrival, slows slightly with the number in flight, and refuses requests
/// above its concurrency quota with 429.
struct HostedAPIModel: ServingModel {
    private let configuration: HostedAPIConfiguration
    private let faults: FaultModel
    private var random: SeededRandom
    /// When each admitted request ends, earliest first.
    private var ends = EventQueue<Int>()
    /// Requests admitted and neither ended nor aborted.
    private var active = Set<Int>()
    private var inFlight: Int { active.count }
    private(set) var counters = ServerCounters()
    mutating func load(at now: Int64) -> ServerLoad {
        releaseEnded(by: now)
        return ServerLoad(running: inFlight, waiting: 0, kvCacheUsage: 0)
    }

    init(configuration: HostedAPIConfiguration, faults: FaultModel, seed: UInt64) {
        self.configuration = configuration
        self.faults = faults
        random = SeededRandom(seed: seed)
    }

    var nextWakeup: Int64? { nil }

    mutating func wake(at now: Int64, notices: inout [ServerNotice]) {}

    mutating func arrive(_ request: ServerRequest, at now: Int64, notices: inout [ServerNotice]) {
        releaseEnded(by: now)
        let answer = now + 2_000_000
        if let cap = faults.concurrencyCap, inFlight >= cap {
            notices.append(.rejected(request: request.id, time: answer, outcome: .http429, fault: nil))
            return
        }
        if random.nextBool(probability: faults.errorProbability) {
            notices.append(.rejected(request: request.id, time: answer, outcome: .http5xx, fault: nil))
            return
        }
        let ttft = configuration.ttftBaseSeconds * random.nextLogNormal(mu: 0, sigma: configuration.ttftSigma)
            + configuration.ttftPerPromptTokenSeconds * Double(request.promptTokens)
        let slowdown = max(0.05, 1 - configuration.slowdownPerRequest * Double(inFlight))
        let speed = configuration.tokensPerSecond * random.nextLogNormal(mu: 0, sigma: configuration.speedSigma) * slowdown
        let firstToken = now + Int64((ttft * 1e9).rounded())
        let finished = firstToken + Int64((Double(request.outputTokens - 1) / speed * 1e9).rounded())
        active.insert(request.id)
        ends.schedule(request.id, at: finished)
        notices.append(.firstToken(request: request.id, time: firstToken))
        notices.append(.finished(request: request.id, time: finished, completionTokens: request.outputTokens, cachedTokens: nil))
    }

    mutating func abort(request: Int, at now: Int64) {
        active.remove(request)
    }

    private mutating func releaseEnded(by now: Int64) {
        while let next = ends.peekTime, next <= now, let (_, request) = ends.pop() {
            active.remove(request)
        }
    }
}
