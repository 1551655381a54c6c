/// One turn index of a session sweep's conversations at one level (`SessionShape`): how its
/// measured requests did. A conversation's context grows with every turn, and shows first in the
/// later turns' time to first token (their prefill), unless the endpoint still holds the history.
public struct TurnSummary: Sendable, Equatable, Codable {
    /// 1 for the opening prompt.
    public let turn: Int
    /// Measured requests of this turn, and those that succeeded.
    public let requests: Int
    public let successes: Int
    /// The successes' prompt tokens: the turn's own and its history's.
    public let promptTokenCountMean: Double
    /// The share of the successes' prompt tokens that the endpoint's prefix cache served, over
    /// those whose usage said (`Sample.cachedTokens`); nil when none said.
    public let prefixCacheHitRate: Double?
    public let ttft: DistributionSummary?
    public let latency: DistributionSummary?

    /// The turns of `measured` (a level's measured requests in send order), first turn first;
    /// nil when they are no conversation's.
    static func byTurn(_ measured: [Sample], confidence: Double) -> [TurnSummary]? {
        let grouped = Dictionary(grouping: measured.filter { $0.turn != nil }, by: { $0.turn! })
        guard !grouped.isEmpty else { return nil }
        return grouped.keys.sorted().map { turn in
            let samples = grouped[turn]!
            let succeeded = samples.filter { $0.outcome.isSuccess }
            let promptTokens = succeeded.reduce(0) { $0 + $1.promptTokens }
            return TurnSummary(
                turn: turn, requests: samples.count, successes: succeeded.count,
                promptTokenCountMean: succeeded.isEmpty ? 0 : Double(promptTokens) / Double(succeeded.count),
                prefixCacheHitRate: succeeded.prefixCacheShare,
                ttft: DistributionSummary(succeeded.compactMap(\.ttftSeconds), confidence: confidence),
                latency: DistributionSummary(succeeded.map(\.latencySeconds), confidence: confidence))
        }
    }

    enum CodingKeys: String, CodingKey {
        case turn, requests, successes, ttft, latency
        case promptTokenCountMean = "prompt_token_count_mean"
        case prefixCacheHitRate = "prefix_cache_hit_rate"
    }
}

extension [Sample] {
    /// The share of these requests' prompt tokens that the endpoint's prefix cache served, over
    /// those whose usage said (`Sample.cachedTokens`); nil when none said.
    var prefixCacheShare: Double? {
        let reporting = filter { $0.cachedTokens != nil }
        let promptTokens = reporting.reduce(0) { $0 + $1.promptTokens }
        guard promptTokens > 0 else { return nil }
        return Double(reporting.reduce(0) { $0 + $1.cachedTokens! }) / Double(promptTokens)
    }
}

/// A session sweep's later turns that the endpoint refused as longer than its context
/// (`context_exceeded`): each a conversation whose history outgrew it.
public struct TurnsPastContext: Sendable, Equatable, Codable {
    /// Measured requests refused so (the error rate's), of any turn after the first.
    public let requests: Int
    /// The fewest prompt tokens such a turn was sent with, and the earliest turn refused.
    public let shortestPromptTokens: Int
    public let earliestTurn: Int

    /// Of `refused` (any phase), later turns refused as past the context; nil when there are none.
    init?(_ refused: [Sample]) {
        guard let shortest = refused.map(\.promptTokens).min(), let earliest = refused.compactMap(\.turn).min() else { return nil }
        requests = refused.count { $0.phase == .measured }
        shortestPromptTokens = shortest
        earliestTurn = earliest
    }

    /// The levels' refusals together; nil when none refused any.
    public static func merged(_ all: [TurnsPastContext]) -> TurnsPastContext? {
        guard let first = all.first else { return nil }
        return all.dropFirst().reduce(first) { sum, next in
            TurnsPastContext(
                requests: sum.requests + next.requests, shortestPromptTokens: min(sum.shortestPromptTokens, next.shortestPromptTokens),
                earliestTurn: min(sum.earliestTurn, next.earliestTurn))
        }
    }

    private init(requests: Int, shortestPromptTokens: Int, earliestTurn: Int) {
        self.requests = requests
        self.shortestPromptTokens = shortestPromptTokens
        self.earliestTurn = earliestTurn
    }

    enum CodingKeys: String, CodingKey {
        case requests
        case shortestPromptTokens = "shortest_prompt_tokens"
        case earliestTurn = "earliest_turn"
    }
}
