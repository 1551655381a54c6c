/// turns.csv, written beside levels.csv by a session sweep: one row per level and turn of its
/// conversations (`TurnSummary`), in the units and formats of levels.csv's columns of the same names.
public enum TurnsTable {
    static let header = [
        "concurrency", "turn", "requests", "successes", "prompt_token_count_mean", "prefix_cache_hit_rate",
        "ttft_mean", "ttft_p50", "ttft_p95", "ttft_p99", "latency_mean", "latency_p50", "latency_p95", "latency_p99",
    ]

    /// The file's text for `levels`, header included; nil when no level has turns.
    public static func csv(_ levels: [LevelResult]) -> String? {
        let rows = levels.flatMap { level in (level.summary.turns ?? []).map { row(level.summary.concurrency, $0) } }
        guard !rows.isEmpty else { return nil }
        return CSV.row(header) + rows.map(CSV.row).joined()
    }

    private static func row(_ concurrency: Int, _ turn: TurnSummary) -> [String] {
        func seconds(_ value: Double?) -> String { value.map { NumberFormatting.fixed($0, places: 6) } ?? "" }
        return [
            "\(concurrency)", "\(turn.turn)", "\(turn.requests)", "\(turn.successes)", NumberFormatting.fixed(turn.promptTokenCountMean, places: 3),
            turn.prefixCacheHitRate.map { NumberFormatting.fixed($0, places: 4) } ?? "",
            seconds(turn.ttft?.mean.value), seconds(turn.ttft?.p50.value), seconds(turn.ttft?.p95.value), seconds(turn.ttft?.p99.value),
            seconds(turn.latency?.mean.value), seconds(turn.latency?.p50.value), seconds(turn.latency?.p95.value), seconds(turn.latency?.p99.value),
        ]
    }
}
