import Crest

/// A request as the server sees it.
struct ServerRequest {
    let id: Int
    let promptTokens: Int
    /// How many tokens the answer will have; the server only learns it as it generates.
    let outputTokens: Int
    /// The system prompt it shares with other requests, which a batching engine caches.
    var prefix: SharedPrefix? = nil
    /// For a turn of a conversation, the history before it, which a batching engine may still hold.
    var session: SessionHistory? = nil
    /// The first tokens of the answer that are a reasoning model's thinking (0: none).
    var reasoningTokens = 0
}

/// A turn of a conversation (`SessionShape`) as the server sees it: which conversation, and how
/// many of its prompt's tokens are the turns before it and their replies, as the turn before left them.
struct SessionHistory {
    let session: Int
    let tokens: Int
}

/// What a serving model reports back to the simulation, at server time `time`.
enum ServerNotice {
    case firstToken(request: Int, time: Int64)
    /// The first token after a reasoning model's thinking: the answer proper begins.
    case firstAnswerToken(request: Int, time: Int64)
    /// A token after the first; only from a batching engine asked to report every token (`crest serve` streams them).
    case token(request: Int, time: Int64)
    /// Finished; `cachedTokens` are the prompt tokens its prefix cache served, for a request that
    /// shares a prefix (nil for the others).
    case finished(request: Int, time: Int64, completionTokens: Int, cachedTokens: Int?)
    /// Refused, as `outcome`; `fault` names it more finely where it can (a prompt past the context).
    case rejected(request: Int, time: Int64, outcome: Outcome, fault: Fault?)
}

/// The server side of the simulation: the batching engine or the hosted-API model.
protocol ServingModel {
    /// A request reached the server at `now`.
    mutating func arrive(_ request: ServerRequest, at now: Int64, notices: inout [ServerNotice])
    /// When the model next needs `wake`, if at all.
    var nextWakeup: Int64? { get }
    /// Lets the model act at `now` (the end of a step).
    mutating func wake(at now: Int64, notices: inout [ServerNotice])
    /// The client gave up on `request`; free what it holds.
    mutating func abort(request: Int, at now: Int64)
    /// Counters for tests and benchmarks.
    var counters: ServerCounters { get }
    /// What the server holds at `now`, for a `/metrics` page.
    mutating func load(at now: Int64) -> ServerLoad
}

/// What a server holds at a moment: the gauges vLLM and TGI export.
public struct ServerLoad: Sendable, Equatable {
    /// Requests being generated.
    public var running: Int
    /// Requests queued for admission.
    public var waiting: Int
    /// The share of the KV cache in use, 0...1 (0 for a hosted API).
    public var kvCacheUsage: Double
}

/// What a serving model did during a level.
public struct ServerCounters: Sendable, Equatable {
    /// Sequences preempted (batching engine only).
    public var preemptions = 0
    /// Prompt tokens of requests sharing a prefix, at admission, and those of them the prefix
    /// cache served (vLLM's prefix_cache_queries and prefix_cache_hits).
    public var prefixQueryTokens = 0
    public var prefixHitTokens = 0

    public init() {}
}
