import Crest
import Foundation

/// The simulated engine driven by a real clock instead of an event queue: requests arrive when
/// they arrive, and the engine steps when its next wakeup comes. `crest serve` puts it behind HTTP.
///
/// Not thread-safe: one thread (the server's event loop) calls everything. Times are nanoseconds
/// on the caller's clock; the caller calls `wake(at:)` at `nextWakeup` and delivers each returned
/// event at its time, which may lie ahead (a hosted API's answer is drawn on arrival).
public final class RealTimeSimulation {
    /// What happens to a request, at a time.
    public enum Event: Sendable, Equatable {
        case firstToken(request: Int)
        /// A token after the first (batching engines report each one as its step ends).
        case token(request: Int)
        /// Finished; `cachedTokens` as the engine's prefix cache served them, for a request that shares a prefix.
        case finished(request: Int, completionTokens: Int, cachedTokens: Int?)
        case rejected(request: Int, outcome: Outcome, fault: Fault?)
    }

    public let endpoint: SimulatedEndpoint
    private var model: any ServingModel
    private var outputLength: OutputLengthModel
    private var lengthRandom: SeededRandom
    private var reasoningRandom: SeededRandom
    private var nextRequest = 0
    private var notices: [ServerNotice] = []
    /// The hosted model draws a request's first token and end on arrival and reports no tokens in
    /// between; they come at its drawn speed, so they are spaced evenly from the first to the end.
    private let spacesTokensEvenly: Bool

    public init(endpoint: SimulatedEndpoint, seed: UInt64) {
        self.endpoint = endpoint
        let serverSeed = derivedSeed(seed, 0x5E4E)
        switch endpoint.server {
        case .batching(let configuration):
            var engine = BatchingEngine(configuration: configuration, faults: endpoint.faults, seed: serverSeed)
            engine.reportsEveryToken = true
            model = engine
            spacesTokensEvenly = false
        case .hosted(let configuration):
            model = HostedAPIModel(configuration: configuration, faults: endpoint.faults, seed: serverSeed)
            spacesTokensEvenly = true
        }
        outputLength = endpoint.outputLength
        lengthRandom = SeededRandom(seed: derivedSeed(seed, 2))
        reasoningRandom = SeededRandom(seed: derivedSeed(seed, 5))
    }

    /// When the engine next needs `wake(at:)`.
    public var nextWakeup: Int64? { model.nextWakeup }

    /// A request arrives at `now`. Its answer's length is the model's draw, capped at
    /// `maxOutputTokens`; with `ignoreEOS` it is exactly `maxOutputTokens` (as vLLM's ignore_eos).
    /// Returns the request's id, the answer's length as drawn (the engine may cut it at the context
    /// window; `.finished` has the final count), how many of its first tokens are a reasoning
    /// model's thinking (0 for none), and what is already known about it.
    public func arrive(
        promptTokens: Int, maxOutputTokens: Int?, ignoreEOS: Bool, prefix: SharedPrefix? = nil, at now: Int64
    ) -> (id: Int, outputTokens: Int, reasoningTokens: Int, events: [(time: Int64, event: Event)]) {
        let id = nextRequest
        nextRequest += 1
        let thinking = endpoint.reasoning.map { $0.draw(&reasoningRandom) } ?? 0
        var output = outputLength.draw(&lengthRandom) + thinking
        if let maxOutputTokens { output = ignoreEOS ? maxOutputTokens : min(output, maxOutputTokens) }
        output = max(1, output)
        model.arrive(
            ServerRequest(id: id, promptTokens: promptTokens, outputTokens: output, prefix: prefix, reasoningTokens: thinking), at: now,
            notices: &notices)
        return (id, output, thinking, takeEvents())
    }

    /// Lets the engine finish its step at `now`; returns what happened.
    public func wake(at now: Int64) -> [(time: Int64, event: Event)] {
        model.wake(at: now, notices: &notices)
        return takeEvents()
    }

    /// The client went away: the engine frees what the request holds.
    public func abort(request: Int, at now: Int64) {
        model.abort(request: request, at: now)
    }

    public func load(at now: Int64) -> ServerLoad { model.load(at: now) }

    /// The engine's counters: preemptions, prefix cache lookups and hits.
    public var counters: ServerCounters { model.counters }

    private func takeEvents() -> [(time: Int64, event: Event)] {
        defer { notices.removeAll(keepingCapacity: true) }
        var firstTokens: [Int: Int64] = [:]
        var events: [(time: Int64, event: Event)] = []
        for notice in notices {
            switch notice {
            case .firstToken(let request, let time):
                firstTokens[request] = time
            case .finished(let request, let end, let tokens, _) where spacesTokensEvenly && tokens > 1:
                guard let first = firstTokens[request] else { break }
                for index in 1..<tokens {
                    events.append((first + (end - first) * Int64(index) / Int64(tokens - 1), .token(request: request)))
                }
            default:
                break
            }
            if let event = event(notice) { events.append(event) }
        }
        // By time; at equal times in the order produced, so a request's last token precedes its end.
        return events.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
    }

    /// The event a notice makes; nil for the start of an answer after its thinking, which the
    /// caller knows from the thinking's length `arrive` returned (every token is its own event).
    private func event(_ notice: ServerNotice) -> (time: Int64, event: Event)? {
        switch notice {
        case .firstToken(let request, let time): return (time, .firstToken(request: request))
        case .firstAnswerToken: return nil
        case .token(let request, let time): return (time, .token(request: request))
        case .finished(let request, let time, let tokens, let cached): return (time, .finished(request: request, completionTokens: tokens, cachedTokens: cached))
        case .rejected(let request, let time, let outcome, let fault): return (time, .rejected(request: request, outcome: outcome, fault: fault))
        }
    }
}
