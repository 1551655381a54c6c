import Crest
import Foundation

/// A sweep's report, computed from its results and ready for any renderer. It carries every
/// section of the FMBench report users know (summary table, per-instance recommendation sentence,
/// cost table) plus Crest's per-level tables and method notes.
public struct SweepReport: Sendable {
    public let title: String
    public let lastModified: String
    /// The opening sentence of the summary.
    public let summary: String
    /// The reference report's Information | Value table for the recommended level.
    public let information: [(field: String, value: String)]
    /// The recommendation in a few lines.
    public let recommendation: [String]
    public let costSentence: String
    public let cost: MarkdownTable
    /// Dataset | Instance type | Recommendation.
    public let perInstance: MarkdownTable
    public let throughputTable: MarkdownTable
    public let latencyTable: MarkdownTable
    /// A session sweep's conversations, turn by turn; nil for single requests.
    public let conversations: ConversationTurns?
    /// How the endpoint answered the first failed request of each kind, per level; empty when no
    /// level kept any (the simulator's failures need none).
    public let failures: [String]
    /// How the search went, in a few lines, and step by step.
    public let story: [String]
    public let steps: MarkdownTable
    /// How the numbers were obtained.
    public let method: [String]

    public init(_ input: SweepReportInput) {
        let chosen = input.recommendation
        let level = chosen?.level.summary
        title = "Results for performance benchmarking"
        lastModified = RunManifest.timestamp(input.generatedAt)
        summary = Self.summarySentence(input)
        information = level.map { Self.information(input, $0, chosen!) } ?? []
        recommendation = Self.recommendationLines(input)
        let totalCost = input.pricing?.cost(
            seconds: input.totals.durationSeconds, promptTokens: input.totals.promptTokens,
            completionTokens: input.totals.completionTokens)
        costSentence = "The cost to run each experiment is provided in the table below. The total cost for running all experiments is $\(Format.usd(totalCost))."
            + (input.isSimulated ? " Durations are simulated time: what the same load would take on the real endpoint." : "")
        cost = MarkdownTable(
            header: ["experiment_name", "instance_type", "duration_in_seconds", "cost"],
            rows: [[input.experimentName, input.instance, NumberFormatting.fixed(input.totals.durationSeconds, places: 2), Format.usd(totalCost)]],
            rightAligned: [2, 3])
        perInstance = MarkdownTable(
            header: ["Dataset", "Instance type", "Recommendation"],
            rows: [["`\(input.payloadFile)`", "`\(input.instance)`", Self.perInstanceSentence(input)]])
        throughputTable = Self.throughputTable(input)
        latencyTable = Self.latencyTable(input)
        conversations = ConversationTurns(input)
        failures = Self.failureLines(input)
        story = SearchStory.lines(input)
        steps = SearchStory.table(input)
        method = Self.methodLines(input)
    }

    // MARK: - Summary

    private static func summarySentence(_ input: SweepReportInput) -> String {
        let head = "We did performance benchmarking for the `\(input.manifest.target.model)` model on \"`\(input.instance)`\" instance on the `\(input.manifest.dataset.name)` dataset"
        guard let chosen = input.recommendation, chosen.isFeasible else {
            switch input.stopReason {
            case .interrupted: return head + "; the sweep was interrupted before its search ended, and its results are partial."
            case .unusableResponses: return head + "; the sweep stopped because most responses carried no answer to measure."
            default: return head + " and no concurrency level tried met the budget `\(input.budget)`; the closest one is shown below."
            }
        }
        return head + " and based on the test results the best price performance for dataset `\(input.manifest.dataset.name)` within the budget `\(input.budget)` is provided by the `\(input.instance)` instance type at a concurrency of \(chosen.concurrency)."
    }

    private static func information(_ input: SweepReportInput, _ level: LevelSummary, _ chosen: Recommendation) -> [(String, String)] {
        var rows: [(String, String)] = [
            ("experiment_name", input.experimentName),
            ("payload_file", input.payloadFile),
            ("instance_type", input.instance),
            ("concurrency", "\(level.concurrency)"),
            ("error_rate", NumberFormatting.significant(level.errorRate.value, digits: 3)),
            ("prompt_token_count_mean", Format.tokens(level.promptTokenCountMean)),
            ("prompt_token_throughput", Format.tokens(level.promptTokenThroughput)),
            ("completion_token_count_mean", Format.tokens(level.completionTokenCountMean)),
            ("completion_token_throughput", Format.tokens(level.completionTokenThroughput)),
            ("latency_mean", Format.seconds(level.latency?.mean)),
            ("latency_p50, p95, p99", [level.latency?.p50, level.latency?.p95, level.latency?.p99].map { Format.seconds($0) }.joined(separator: ", ")),
            ("ttft_p50, p95, p99", [level.ttft?.p50, level.ttft?.p95, level.ttft?.p99].map { Format.seconds($0) }.joined(separator: ", ")),
            ("tpot_p50, p95, p99", [level.tpot?.p50, level.tpot?.p95, level.tpot?.p99].map { Format.seconds($0) }.joined(separator: ", ")),
            ("transactions_per_minute", Format.rate(level.transactionsPerMinute.value)),
            ("price_per_txn", input.pricing?.pricePerTransaction(level).map { NumberFormatting.fixed($0, places: 6) } ?? "–"),
            ("price_per_hour", input.pricing?.reportText ?? "–"),
            ("budget", input.budget.description),
        ]
        if let binding = chosen.bindingConstraint { rows.append(("binding_constraint", binding.constraint.description)) }
        if !chosen.isFeasible { rows.append(("verdict", "no level met the budget; this is the closest")) }
        return rows
    }

    private static func recommendationLines(_ input: SweepReportInput) -> [String] {
        guard let chosen = input.recommendation else {
            let resume = "To continue it, run the command that started it with `--resume \(input.experimentName)` (the folder's path) in place of `--out`: its finished levels are replayed, not measured again."
            guard !input.levels.isEmpty else {
                return [input.stopReason == .interrupted ? "No level was measured: the sweep was interrupted during its first level. " + resume : "No level was measured."]
            }
            switch input.stopReason {
            case .interrupted:
                return ["No level is recommended: the sweep was interrupted before its search ended; the levels below are measured, but no search chose among them. " + resume]
            case .unusableResponses: return ["No level is recommended: most responses carried no answer to measure (see Failures)."]
            default: return ["No level is recommended."]
            }
        }
        let level = chosen.level.summary
        var lines = [chosen.explanation]
        lines.append("Throughput: \(Format.rateWithInterval(level.transactionsPerMinute)) transactions/minute (95% interval), \(NumberFormatting.significant(level.requestsPerSecond, digits: 3)) requests/second.")
        for check in chosen.level.verdict.checks {
            let interval = Format.secondsWithInterval(check.observed)
            switch check.constraint {
            case .latency(let constraint):
                lines.append("\(constraint.statisticName): \(interval) s against a limit of \(Format.seconds(constraint.limitSeconds)) s; headroom \(Format.percent(check.headroom)).")
            case .errorRate(let max):
                let bounds = check.observed.upper.map { ", 95% upper bound \(Format.percent($0))" } ?? ""
                lines.append("errors: \(Format.percent(check.observed.value))\(bounds) against a ceiling of \(Format.percent(max)).")
            }
        }
        if let binding = chosen.bindingConstraint, chosen.isFeasible {
            var line = "Binding constraint: `\(binding.constraint)`."
            let certified = chosen.level.verdict.decision?.constraints.first { $0.constraint == binding.constraint }?.outcome == .met
            if let upper = binding.observed.upper, upper > binding.limit {
                // The test may certify what this run's own interval cannot: it pools the evidence of
                // the search's other runs (failures at other levels bound an error rate; earlier runs
                // of this level count toward a percentile).
                // The advice names options that go together: --requests-per-level goes with a list.
                let longer = "measure it longer to narrow the interval (`--levels \(chosen.concurrency) --requests-per-level 2000`)"
                if certified {
                    line += " Its 95% interval over this run's requests alone reaches above the limit; the level's test certified it with the evidence of the search's other runs pooled in (failures counted at other levels bound an error rate; earlier runs of this level count toward a percentile)."
                } else if chosen.level.verdict.decision?.certainty == .likely {
                    line += " Its 95% interval reaches above the limit: the level's test could not certify it, and found it likely within (its one-sided 85% bound is inside the limit); \(longer)."
                } else {
                    line += " Its 95% interval reaches above the limit, so this level is feasible on its point estimate but not certainly: \(longer) to be sure."
                }
            }
            lines.append(line)
        }
        let gap = level.achievedConcurrency > 0 ? abs(level.littleLawConcurrency - level.achievedConcurrency) / level.achievedConcurrency : 0
        lines.append("Little's law check: arrival rate × mean latency = \(NumberFormatting.significant(level.littleLawConcurrency, digits: 3)) requests in flight, against \(NumberFormatting.significant(level.achievedConcurrency, digits: 3)) measured (\(Format.percent(gap)) apart).")
        return lines
    }

    private static func perInstanceSentence(_ input: SweepReportInput) -> String {
        switch input.stopReason {
        case .interrupted: return "The sweep was interrupted before its search ended: no recommendation."
        case .unusableResponses: return "The sweep stopped because most responses carried no answer to measure: no recommendation."
        default: break
        }
        guard let chosen = input.recommendation, chosen.isFeasible else {
            return "Did not find any concurrency level on a `\(input.instance)` for the `\(input.payloadFile)` dataset that stays within the budget `\(input.budget)`."
        }
        let level = chosen.level.summary
        let n = level.concurrency
        return "The best option for staying within a latency budget of `\(input.budget)` on a `\(input.instance)` for the `\(input.payloadFile)` dataset is a `concurrency level of \(n)`. A concurrency level of \(n) achieves an `average latency of \(Format.seconds(level.latency?.mean)) seconds` (p95 \(Format.seconds(level.latency?.p95)) seconds), for an `average prompt size of \(Format.tokens(level.promptTokenCountMean)) tokens` and `completion size of \(Format.tokens(level.completionTokenCountMean)) tokens` with `\(Format.tokens(level.transactionsPerMinute.value)) transactions/minute`."
    }

    // MARK: - Failures

    private static func failureLines(_ input: SweepReportInput) -> [String] {
        let pastContext = PromptsPastContext.sentence(input.levels).map { [$0] } ?? []
        return pastContext + input.levels.flatMap { level in
            level.summary.failureExamples.map { example in
                let count = level.summary.outcomes[example.outcome]
                let counted = count > 0 ? "\(count) measured" : "only outside the measured window"
                return "Concurrency \(level.concurrency), \(example.outcome.rawValue) (\(counted)): \(example.summary)."
            }
        }
    }

    // MARK: - Per-level tables

    private static func marker(_ input: SweepReportInput, _ level: LevelResult) -> String {
        input.recommendation?.concurrency == level.concurrency ? "**\(level.concurrency)** ◀" : "\(level.concurrency)"
    }

    private static func throughputTable(_ input: SweepReportInput) -> MarkdownTable {
        MarkdownTable(
            header: ["concurrency", "requests", "errors", "error rate", "transactions/min (95% CI)", "latency mean", "p50", "p90", "p95 (95% CI)", "p99", "verdict"],
            rows: input.levels.map { level in
                let s = level.summary
                return [
                    marker(input, level), "\(s.requests)",
                    s.errors == 0 ? "0" : "\(s.errors) (\(s.failureSummary)\(s.errorNamesSummary.isEmpty ? "" : ": \(s.errorNamesSummary)"))",
                    Format.percent(s.errorRate.value), Format.rateWithInterval(s.transactionsPerMinute),
                    Format.seconds(s.latency?.mean), Format.seconds(s.latency?.p50), Format.seconds(s.latency?.p90),
                    // As the console says it: how sure, and which side ("likely feasible").
                    Format.secondsWithInterval(s.latency?.p95), Format.seconds(s.latency?.p99), level.verdict.labelWithCertainty,
                ]
            },
            rightAligned: Set(1...9))
    }

    private static func latencyTable(_ input: SweepReportInput) -> MarkdownTable {
        // The prefix cache's share of prompt tokens, where the endpoint's usage said it.
        let showsCache = input.levels.contains { $0.summary.prefixCacheHitRate != nil }
        // A reasoning model's answers: when the answer proper began, and how long it thought first.
        let reasoned = input.levels.contains { $0.summary.ttfa != nil }
        let header = ["concurrency", "TTFT mean", "TTFT p50", "TTFT p95", "TTFT p99", "TPOT mean", "TPOT p50", "TPOT p95", "TPOT p99", "prompt tok/s", "completion tok/s", "in flight"]
        let reasoningHeader = reasoned ? ["TTFA mean", "TTFA p95", "reasoning tokens"] : []
        return MarkdownTable(
            header: header + (showsCache ? ["prefix cache hits"] : []) + reasoningHeader,
            rows: input.levels.map { level in
                let s = level.summary
                let row = [
                    marker(input, level), Format.seconds(s.ttft?.mean), Format.seconds(s.ttft?.p50), Format.seconds(s.ttft?.p95),
                    Format.seconds(s.ttft?.p99), Format.seconds(s.tpot?.mean), Format.seconds(s.tpot?.p50), Format.seconds(s.tpot?.p95),
                    Format.seconds(s.tpot?.p99), Format.tokens(s.promptTokenThroughput), Format.tokens(s.completionTokenThroughput),
                    NumberFormatting.significant(s.achievedConcurrency, digits: 3),
                ]
                let reasoning = reasoned ? [Format.seconds(s.ttfa?.mean), Format.seconds(s.ttfa?.p95), s.reasoningTokensMean.map(Format.tokens) ?? "–"] : []
                return row + (showsCache ? [s.prefixCacheHitRate.map(Format.percent) ?? "–"] : []) + reasoning
            },
            rightAligned: Set(1..<(header.count + (showsCache ? 1 : 0) + reasoningHeader.count)))
    }

    // MARK: - Method

    private static func levelsLine(_ input: SweepReportInput) -> String {
        let warmup = "Each level is a closed loop of N clients; the first max(N, 8) completions are dropped as warm-up, and the requests sent inside the measured window are the measured ones."
        switch input.method {
        case .fixed(let levels, let length):
            return "Levels: the fixed list \(levels.map(\.description).joined(separator: ", ")), \(length.summary) each. " + warmup + " The load runs on until every measured request has finished."
        case .adaptive(let limits, _):
            var line = "Levels: chosen by Crest's adaptive search (ramp, fit, bracket, knee, confirm) up to concurrency \(limits.maxConcurrency). "
            line += warmup + " Each level is a sequential test of the budget that stops as soon as its verdict is clear: screening levels look at max(32, 2N) and twice that many requests; the answer is confirmed with up to several hundred more, α = 5% spent over its looks. A decided screening level ends at once; its statistics cover the requests sent before the first one still in flight."
            if let maxRequests = limits.maxRequests { line += " Total budget: \(maxRequests) requests." }
            if let maxSeconds = limits.maxSeconds { line += " Total budget: \(NumberFormatting.duration(seconds: maxSeconds))." }
            return line
        }
    }

    private static func countsSource(_ source: TokenCountSource) -> String {
        switch source {
        case .estimate: return "estimated by Crest's token estimator"
        case .dataset: return "counts from the dataset"
        case .tokenizer: return "counted by the endpoint's own tokenizer"
        }
    }

    private static func methodLines(_ input: SweepReportInput) -> [String] {
        let manifest = input.manifest
        var lines = [
            "Target: `\(manifest.target.name)` (\(manifest.target.kind)), model `\(manifest.target.model)`.",
            "Dataset: `\(manifest.dataset.path)`, \(manifest.dataset.prompts) prompts of \(Format.tokens(manifest.dataset.promptTokensMean)) tokens on average (\(Self.countsSource(manifest.dataset.promptTokensSource))), fingerprint `\(manifest.dataset.fingerprint)`\(manifest.dataset.workload.map { "; requests shaped with \($0.summary)" } ?? "").",
            levelsLine(input),
        ]
        if let check = manifest.promptTokensCheck {
            lines.append("Prompt lengths: \(check.sentence). The report's prompt sizes and token throughputs are the endpoint's counts; crest sweep --tokenize counts every prompt with its tokenizer before the first level.")
        }
        lines += [
            "Budget: `\(input.budget)`. Latency percentiles count failed requests as over budget; means are over successful requests. Intervals are 95%: order statistics for percentiles, batch means for means and throughput, Clopper-Pearson for error rates.",
            "Selection: among levels that meet the budget, the smallest whose throughput is within \(NumberFormatting.significant(input.plateauTolerance * 100))% of the best.",
            "Sweep: \(input.totals.requests) requests in \(NumberFormatting.duration(seconds: input.totals.durationSeconds))\(input.isSimulated ? " of simulated time" : "").",
        ]
        if let seed = manifest.settings.seed {
            lines.append(input.isSimulated ? "Seed: \(seed) (the simulator repeats a run exactly for a seed)." : "Seed: \(seed) (fixes the order prompts are sent in).")
        }
        if let check = LoadGeneratorCheck.sentence(input.levels) { lines.append(check) }
        if let lengths = AnswerLengthCheck.sentence(input.levels) { lines.append(lengths) }
        if let chosen = input.recommendation, let view = EndpointView.sentence(for: chosen.level) { lines.append(view) }
        if let pricing = input.pricing, let origin = manifest.target.pricingOrigin {
            lines.append("Price: \(pricing.summary), from \(origin): list prices change, so check yours and set it with --price-per-hour or --price-per-1k-in and --price-per-1k-out.")
        } else if input.pricing != nil && input.isSimulated {
            lines.append("Price: \(input.pricing!.summary); a simulator preset's price is an assumed list price: set yours with --price-per-hour or --price-per-1k-in and --price-per-1k-out.")
        }
        if let source = manifest.target.credentialsSource { lines.append("AWS credentials: \(source) (the values are written nowhere).") }
        return lines
    }
}
