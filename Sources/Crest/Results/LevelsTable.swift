/// levels.csv: one row per measured level. Column names are Crest's public interface (DESIGN.md,
/// "Results on disk"): the reference report's names first, then Crest's additions, then the
/// confidence bounds as `<column>_lo` / `<column>_hi`. Times in seconds, rates per minute or second
/// as named, empty where not measured.
public enum LevelsTable {
    /// One column: its name and how to read it off a level (with the sweep's pricing and the
    /// number of times the level was measured).
    struct Column: Sendable {
        let name: String
        let value: @Sendable (LevelResult, Pricing?, Int) -> String
    }

    /// The file's text for `levels`, header included; `runs` counts the times each level was measured.
    public static func csv(_ levels: [LevelResult], pricing: Pricing?, runs: [Int: Int] = [:]) -> String {
        var text = CSV.row(columns.map(\.name))
        for level in levels {
            text += CSV.row(columns.map { $0.value(level, pricing, runs[level.concurrency] ?? 1) })
        }
        return text
    }

    static let columns: [Column] = {
        var columns: [Column] = [
            Column(name: "concurrency") { level, _, _ in "\(level.summary.concurrency)" },
            Column(name: "requests") { level, _, _ in "\(level.summary.requests)" },
            Column(name: "errors") { level, _, _ in "\(level.summary.errors)" },
            Column(name: "error_rate") { level, _, _ in fraction(level.summary.errorRate.value) },
            Column(name: "duration_s") { level, _, _ in seconds(level.summary.durationSeconds) },
            Column(name: "transactions_per_minute") { level, _, _ in rate(level.summary.transactionsPerMinute.value) },
        ]
        columns += distributionColumns(.latency, stats: [.mean, .p50, .p90, .p95, .p99])
        columns += distributionColumns(.ttft, stats: [.mean, .p50, .p95, .p99])
        columns += distributionColumns(.tpot, stats: [.mean, .p50, .p95, .p99])
        columns += [
            Column(name: "prompt_token_count_mean") { level, _, _ in rate(level.summary.promptTokenCountMean) },
            Column(name: "completion_token_count_mean") { level, _, _ in rate(level.summary.completionTokenCountMean) },
            Column(name: "prompt_token_throughput") { level, _, _ in rate(level.summary.promptTokenThroughput) },
            Column(name: "completion_token_throughput") { level, _, _ in rate(level.summary.completionTokenThroughput) },
            Column(name: "tokens_estimated") { level, _, _ in level.summary.tokensEstimated ? "true" : "false" },
            Column(name: "price_per_txn") { level, pricing, _ in
                pricing?.pricePerTransaction(level.summary).map { NumberFormatting.fixed($0, places: 8) } ?? ""
            },
            Column(name: "verdict") { level, _, _ in level.verdict.label },
            // Crest's additions.
            Column(name: "verdict_detail") { level, _, _ in level.verdict.certaintyLabel },
            Column(name: "runs") { _, _, runs in "\(runs)" },
        ]
        columns += distributionColumns(.ttft, stats: [.p90])
        columns += distributionColumns(.tpot, stats: [.p90])
        // Inter-token gaps, pooled over requests (empty unless recorded: streamed live responses, or
        // a simulated sweep whose budget constrains ITL).
        columns += distributionColumns(.itl, stats: [.mean, .p50, .p90, .p95, .p99])
        columns += [
            Column(name: "requests_per_second") { level, _, _ in rate(level.summary.requestsPerSecond) },
            Column(name: "achieved_concurrency") { level, _, _ in rate(level.summary.achievedConcurrency) },
            Column(name: "little_law_concurrency") { level, _, _ in rate(level.summary.littleLawConcurrency) },
        ]
        for outcome in Outcome.allCases where !outcome.isSuccess {
            columns.append(Column(name: "errors_\(outcome.rawValue)") { level, _, _ in "\(level.summary.outcomes[outcome])" })
        }
        // Each outcome's finer categories: errors_transport is the sum of its faults' columns and
        // of those failures no fault names (runs stored before Crest named them).
        for fault in Fault.allCases {
            columns.append(Column(name: "errors_\(fault.rawValue)") { level, _, _ in "\(level.summary.faults[fault, default: 0])" })
        }
        columns += [
            // 429s whose Retry-After the clients waited out, and the seconds they waited in all.
            Column(name: "retry_after_waits") { level, _, _ in "\(level.summary.retryAfterWaits)" },
            Column(name: "retry_after_wait_s") { level, _, _ in seconds(level.summary.retryAfterSeconds) },
            Column(name: "successes_without_usage") { level, _, _ in "\(level.summary.successesWithoutUsage)" },
        ]
        // Failures by the endpoint's own name for them (AWS's exceptions): "ThrottlingException=12;ValidationException=1".
        columns.append(Column(name: "error_names") { level, _, _ in
            (level.summary.errorNames ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
        })
        columns += [
            Column(name: "warmup_requests") { level, _, _ in "\(level.summary.warmupRequests)" },
            Column(name: "cooldown_requests") { level, _, _ in "\(level.summary.cooldownRequests)" },
            Column(name: "transient_requests") { level, _, _ in "\(level.summary.transientRequests)" },
            Column(name: "steady") { level, _, _ in level.summary.isSteady ? "true" : "false" },
            // The live load generator's check on itself (empty for the simulator).
            Column(name: "client_limited") { level, _, _ in level.summary.client.map { $0.isClientLimited ? "true" : "false" } ?? "" },
            Column(name: "client_cpu_share") { level, _, _ in level.summary.client.map { NumberFormatting.fixed($0.cpuShare, places: 3) } ?? "" },
            Column(name: "client_cpu_us_per_request") { level, _, _ in
                level.summary.client.map { NumberFormatting.fixed($0.cpuMicrosecondsPerRequest, places: 1) } ?? ""
            },
            Column(name: "client_send_lag_p99_ms") { level, _, _ in
                level.summary.client.map { NumberFormatting.fixed($0.sendLagP99Seconds * 1000, places: 3) } ?? ""
            },
            // The endpoint's own gauges from its /metrics page (empty when not read).
            Column(name: "server_running_mean") { level, _, _ in serverGauge(level) { $0.runningMean } },
            Column(name: "server_waiting_mean") { level, _, _ in serverGauge(level) { $0.waitingMean } },
            Column(name: "server_kv_cache_usage_mean") { level, _, _ in serverGauge(level) { $0.kvCacheUsageMean } },
        ]
        // A reasoning model's answers: time to the first answer token, and the reasoning before it (empty when none reasoned).
        columns += distributionColumns(.ttfa, stats: [.mean, .p50, .p95, .p99])
        columns += [
            Column(name: "reasoning_tokens_mean") { level, _, _ in level.summary.reasoningTokensMean.map { NumberFormatting.fixed($0, places: 1) } ?? "" },
            // The share of prompt tokens the endpoint's prefix cache served, as its usage said (empty when it did not).
            Column(name: "prefix_cache_hit_rate") { level, _, _ in level.summary.prefixCacheHitRate.map { NumberFormatting.fixed($0, places: 4) } ?? "" },
            Column(name: "budget_checks") { level, _, _ in
                level.verdict.checks.map { "\($0.constraint.statisticName)=\(checkValue($0))\($0.isMet ? "<=" : ">")\(checkLimit($0))" }
                    .joined(separator: "; ")
            },
        ]
        // Confidence bounds.
        columns += boundColumns("error_rate") { $0.summary.errorRate }
        columns += boundColumns("transactions_per_minute") { $0.summary.transactionsPerMinute }
        for metric in [Metric.latency, .ttft, .tpot, .itl] {
            for stat in [Stat.mean, .p50, .p90, .p95, .p99] {
                columns += boundColumns("\(metric.rawValue)_\(stat.rawValue)", seconds: true) { metric.read($0.summary).map(stat.read) }
            }
        }
        return columns
    }()

    enum Metric: String {
        case latency, ttft, tpot, itl, ttfa

        func read(_ summary: LevelSummary) -> DistributionSummary? {
            switch self {
            case .latency: return summary.latency
            case .ttft: return summary.ttft
            case .tpot: return summary.tpot
            case .itl: return summary.itl
            case .ttfa: return summary.ttfa
            }
        }
    }

    enum Stat: String {
        case mean, p50, p90, p95, p99

        func read(_ summary: DistributionSummary) -> Estimate {
            switch self {
            case .mean: return summary.mean
            case .p50: return summary.p50
            case .p90: return summary.p90
            case .p95: return summary.p95
            case .p99: return summary.p99
            }
        }
    }

    private static func distributionColumns(_ metric: Metric, stats: [Stat]) -> [Column] {
        stats.map { stat in
            Column(name: "\(metric.rawValue)_\(stat.rawValue)") { level, _, _ in
                metric.read(level.summary).map { seconds(stat.read($0).value) } ?? ""
            }
        }
    }

    private static func boundColumns(_ name: String, seconds isSeconds: Bool = false, _ read: @escaping @Sendable (LevelResult) -> Estimate?) -> [Column] {
        let format: @Sendable (Double) -> String = isSeconds ? seconds : rate
        return [
            Column(name: "\(name)_lo") { level, _, _ in read(level)?.lower.map(format) ?? "" },
            Column(name: "\(name)_hi") { level, _, _ in read(level)?.upper.map(format) ?? "" },
        ]
    }

    private static func checkValue(_ check: ConstraintCheck) -> String {
        if case .errorRate = check.constraint { return fraction(check.observed.value) }
        return seconds(check.observed.value) + "s"
    }

    private static func checkLimit(_ check: ConstraintCheck) -> String {
        if case .errorRate = check.constraint { return fraction(check.limit) }
        return seconds(check.limit) + "s"
    }

    private static func seconds(_ value: Double) -> String { NumberFormatting.fixed(value, places: 6) }
    private static func rate(_ value: Double) -> String { NumberFormatting.fixed(value, places: 3) }

    private static func serverGauge(_ level: LevelResult, _ read: (ServerMetrics) -> Double?) -> String {
        level.summary.serverMetrics.flatMap(read).map(rate) ?? ""
    }
    private static func fraction(_ value: Double) -> String { NumberFormatting.fixed(value, places: 6) }
}
