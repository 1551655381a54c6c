import Crest

/// One sentence on the dataset's prompts the endpoint refused as longer than its context
/// (`context_exceeded`), across a sweep; nil when it refused none. Such a prompt fails at every
/// concurrency, so its failures say nothing of the load: the sentence says how many prompts, which,
/// and how to measure without them.
enum PromptsPastContext {
    /// Prompts named by index, at most.
    private static let named = 8

    static func sentence(_ levels: [LevelResult]) -> String? {
        let sentences = [promptsSentence(levels), conversationsSentence(levels)].compactMap { $0 }
        return sentences.isEmpty ? nil : sentences.joined(separator: " ")
    }

    private static func promptsSentence(_ levels: [LevelResult]) -> String? {
        var prompts: [Int: Int] = [:]
        for level in levels { prompts.merge(level.summary.promptsPastContext) { first, _ in first } }
        guard let shortest = prompts.values.min() else { return nil }
        // Measured refusals of the prompts themselves: a later turn's is its conversation's.
        let requests = levels.reduce(0) { $0 + $1.summary.faults[.contextExceeded, default: 0] - ($1.summary.turnsPastContext?.requests ?? 0) }
        let indices = prompts.keys.sorted()
        let listed = indices.prefix(named).map { "#\($0)" }.joined(separator: ", ") + (indices.count > named ? ", ..." : "")
        let count = indices.count == 1 ? "1 prompt of the dataset (\(listed)) was" : "\(indices.count) prompts of the dataset (\(listed)) were"
        return "Prompts too long: \(count) refused as longer than the endpoint's context "
            + "(context_exceeded, \(requests) measured request\(requests == 1 ? "" : "s")), the shortest of them \(shortest) prompt tokens as sent. "
            + "They fail at every concurrency and count against the error rate: a dataset without them (or a smaller bin), or a lower --max-tokens, measures the endpoint on prompts it can answer."
    }

    /// Conversations that outgrew the context: not a prompt too long, but a history.
    private static func conversationsSentence(_ levels: [LevelResult]) -> String? {
        guard let refused = TurnsPastContext.merged(levels.compactMap(\.summary.turnsPastContext)) else { return nil }
        return "Conversations too long: later turns were refused as longer than the endpoint's context "
            + "(context_exceeded, \(refused.requests) measured request\(refused.requests == 1 ? "" : "s"); from turn \(refused.earliestTurn), the shortest \(refused.shortestPromptTokens) prompt tokens with the history). "
            + "Each ended its conversation, and they count against the error rate: fewer --session-turns, a lower --max-tokens or a smaller bin keeps the conversations within the context."
    }
}
