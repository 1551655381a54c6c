import Crest

/// The report's section on a session sweep's conversations (`SessionShape`): what the load was,
/// and how its requests did turn by turn at the recommended level (or, without one, the highest
/// measured), where a growing context shows first in the later turns' time to first token.
public struct ConversationTurns: Sendable {
    public let lines: [String]
    public let table: MarkdownTable

    /// Nil for a sweep of single requests.
    init?(_ input: SweepReportInput) {
        guard let sessions = input.manifest.dataset.workload?.sessions,
            let level = input.recommendation?.level.summary ?? input.levels.last(where: { $0.summary.turns != nil })?.summary,
            let turns = level.turns, let first = turns.first, let last = turns.last
        else { return nil }
        let users = level.concurrency
        var lines = [
            "Each client was a user holding \(sessions.summary): every turn carried the turns before it and the endpoint's own replies, "
                + "and a conversation ended after its last turn, or a failed one, the next beginning at once. "
                + "A level's concurrency is its number of users; while they thought, fewer requests were in flight: "
                + "\(NumberFormatting.significant(level.achievedConcurrency, digits: 3)) on average at \(users) users."
        ]
        if first.turn != last.turn, let firstTTFT = first.ttft?.p95.value, let lastTTFT = last.ttft?.p95.value {
            lines.append(
                "At \(users) users, TTFT p95 went from \(Format.seconds(firstTTFT)) s at turn \(first.turn) to \(Format.seconds(lastTTFT)) s at turn \(last.turn), "
                    + "as the prompt grew from \(Format.tokens(first.promptTokenCountMean)) to \(Format.tokens(last.promptTokenCountMean)) tokens"
                    + (last.prefixCacheHitRate.map { " (the prefix cache served \(Format.percent($0)) of turn \(last.turn)'s)." } ?? "."))
        }
        self.lines = lines
        let showsCache = turns.contains { $0.prefixCacheHitRate != nil }
        var table = MarkdownTable(
            header: ["turn", "requests", "prompt tokens (mean)"] + (showsCache ? ["prefix cache hits"] : []) + ["TTFT p50 (s)", "TTFT p95 (s)", "e2e p50 (s)", "e2e p95 (s)"],
            rows: turns.map { turn in
                ["\(turn.turn)", "\(turn.requests)", Format.tokens(turn.promptTokenCountMean)]
                    + (showsCache ? [turn.prefixCacheHitRate.map(Format.percent) ?? "–"] : [])
                    + [turn.ttft?.p50, turn.ttft?.p95, turn.latency?.p50, turn.latency?.p95].map { Format.seconds($0) }
            })
        table.rightAligned = Set(1..<table.header.count)
        self.table = table
    }
}
