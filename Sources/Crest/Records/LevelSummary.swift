/// The statistics of one level, computed once from its measured requests (those sent inside the
/// measured window). Latency percentiles are over all measured requests of the level, never
/// averages of per-wave figures.
public struct LevelSummary: Sendable, Equatable, Codable {
    public let concurrency: Int
    /// Requests sent in the measured window.
    public let requests: Int
    public let successes: Int
    public let errors: Int
    /// errors / requests, with its Clopper-Pearson interval.
    public let errorRate: Estimate
    public let outcomes: OutcomeCounts
    /// Failures by the name the endpoint gave them (AWS's exceptions); nil when none was named.
    public let errorNames: [String: Int]?
    /// Failures by their finer category (`Fault`), where they have one.
    public let faults: [Fault: Int]
    /// Measured 429s after which the client waited, and how long in all (the Retry-After honoured).
    public let retryAfterWaits: Int
    public let retryAfterSeconds: Double
    /// Successful requests whose answer carried no usage block: their token counts are Crest's estimate.
    public let successesWithoutUsage: Int
    /// The measured window's length.
    public let durationSeconds: Double
    /// Successful completions per minute inside the measured window, with a batch-means interval.
    /// Counting completions (whichever phase sent them) rather than measured requests keeps the
    /// figure right when a decided level ends with requests still in flight.
    public let transactionsPerMinute: Estimate
    /// All measured requests (successes and failures) per second: the arrival rate the level sustains.
    public let requestsPerSecond: Double
    /// End-to-end latency of successful requests.
    public let latency: DistributionSummary?
    /// Time to first token of successful requests.
    public let ttft: DistributionSummary?
    /// Time per output token after the first, of successful requests with two tokens or more.
    public let tpot: DistributionSummary?
    /// Inter-token gaps of successful requests, pooled; nil when none were recorded.
    public let itl: DistributionSummary?
    /// Time to the first answer token of successful requests that answered (`Sample.ttfaSeconds`;
    /// a budget counts one the cap cut off inside its reasoning as over); nil when none reasoned.
    public let ttfa: DistributionSummary?
    /// The mean reasoning tokens of successful requests that reasoned; nil when none did.
    public let reasoningTokensMean: Double?
    public let promptTokenCountMean: Double
    public let completionTokenCountMean: Double
    /// Prompt tokens of successful completions inside the window, per second.
    public let promptTokenThroughput: Double
    /// Completion tokens of successful completions inside the window, per second.
    public let completionTokenThroughput: Double
    /// The time-average number of the level's requests in flight during the window, as the
    /// measurer counted them (`LevelRun.inFlightMean`); for runs stored without it, from the samples
    /// (which leave out requests still running when a test decided the level).
    public let achievedConcurrency: Double
    /// Little's law's prediction of the concurrency: arrival rate × mean latency of all measured
    /// requests. It should agree with `achievedConcurrency`; a gap means a window edge effect or
    /// a client that could not keep its requests in flight.
    public let littleLawConcurrency: Double
    /// True when any successful request's token counts are Crest's estimate rather than the server's.
    public let tokensEstimated: Bool
    public let warmupRequests: Int
    public let cooldownRequests: Int
    /// Every request of the level that finished, whatever its phase (warm-up and cool-down too),
    /// and those of them that failed: the evidence an error ceiling pools from other levels
    /// (`FailureEvidence`), for which a failure counts whenever it happened.
    public let finishedRequests: Int
    public let finishedFailures: Int
    /// Measured requests MSER-5 left out as a transient after the warm-up.
    public let transientRequests: Int
    /// False when the level never settled in its window (MSER-5), so its figures are less reliable.
    public let isSteady: Bool
    /// The live load generator's check on itself; nil for the simulator.
    public let client: ClientCheck?
    /// The endpoint's own gauges during the level; nil when not read.
    public let serverMetrics: ServerMetrics?
    /// How the endpoint answered the first request of each failure outcome (live endpoints).
    public let failureExamples: [FailureExample]
    /// The dataset's prompts (by index) the endpoint refused as longer than its context, whatever
    /// the phase, with the prompt tokens each was sent as: they fail at every concurrency.
    public let promptsPastContext: [Int: Int]
    /// In a session sweep, the later turns the endpoint refused as longer than its context, whatever
    /// the phase: conversations that outgrew it (a refused opening turn is its prompt's, above);
    /// nil when none did.
    public let turnsPastContext: TurnsPastContext?
    /// The share of the prompt tokens of measured successes that the endpoint's prefix cache
    /// served, over those whose usage said (`Sample.cachedTokens`); else as its /metrics counters
    /// said over the level (`ServerMetrics.prefixCacheHitRate`: vLLM reports no cached tokens in
    /// its usage unless started with --enable-prompt-tokens-details); nil when neither said.
    public let prefixCacheHitRate: Double?
    /// Measured successes that asked for a length (`Sample.askedTokens`), and those whose answer
    /// reached it: whether the endpoint honoured `min_tokens` or `ignore_eos`.
    public let answersAskedLength: Int
    public let answersAtAskedLength: Int
    /// In a session sweep, the measured requests by their turn in a conversation; nil otherwise.
    public let turns: [TurnSummary]?

    /// Summarises `run` with intervals at `confidence` (0.95 for 95%).
    public init(_ run: LevelRun, confidence: Double) {
        let measured = run.measuredInSendOrder
        let succeeded = measured.filter { $0.outcome.isSuccess }
        let completedInWindow = run.samples.filter {
            $0.outcome.isSuccess && $0.finishedAt > run.statisticsStart && $0.finishedAt <= run.windowEnd
        }
        let window = max(run.windowSeconds, 1e-9)

        concurrency = run.level.concurrency
        requests = measured.count
        successes = succeeded.count
        errors = measured.count - succeeded.count
        errorRate = clopperPearson(successes: errors, trials: measured.count, confidence: confidence)
        outcomes = OutcomeCounts(measured)
        let named = Dictionary(grouping: measured.compactMap(\.errorName), by: { $0 }).mapValues(\.count)
        errorNames = named.isEmpty ? nil : named
        faults = Dictionary(grouping: measured.compactMap(\.fault), by: { $0 }).mapValues(\.count)
        let waits = measured.compactMap(\.retryAfter)
        retryAfterWaits = waits.count
        retryAfterSeconds = Double(waits.reduce(0, +)) / 1e9
        successesWithoutUsage = succeeded.count { $0.tokensSource == .estimate }
        durationSeconds = run.windowSeconds
        transactionsPerMinute = Self.throughput(of: completedInWindow, in: run, confidence: confidence)
        requestsPerSecond = Double(measured.count) / window
        latency = DistributionSummary(succeeded.map(\.latencySeconds), confidence: confidence)
        ttft = DistributionSummary(succeeded.compactMap(\.ttftSeconds), confidence: confidence)
        tpot = DistributionSummary(succeeded.compactMap(\.tpotSeconds), confidence: confidence)
        let gaps = succeeded.compactMap(\.interTokenGapSeconds)
        itl = gaps.isEmpty ? nil : DistributionSummary(clustered: ClusteredValues(gaps), confidence: confidence)
        let reasoned = succeeded.compactMap(\.reasoningTokens)
        ttfa = reasoned.isEmpty ? nil : DistributionSummary(succeeded.compactMap(\.ttfaSeconds), confidence: confidence)
        reasoningTokensMean = reasoned.isEmpty ? nil : Double(reasoned.reduce(0, +)) / Double(reasoned.count)
        promptTokenCountMean = succeeded.isEmpty ? 0 : Double(succeeded.reduce(0) { $0 + $1.promptTokens }) / Double(succeeded.count)
        completionTokenCountMean = succeeded.isEmpty ? 0 : Double(succeeded.reduce(0) { $0 + $1.completionTokens }) / Double(succeeded.count)
        promptTokenThroughput = Double(completedInWindow.reduce(0) { $0 + $1.promptTokens }) / window
        completionTokenThroughput = Double(completedInWindow.reduce(0) { $0 + $1.completionTokens }) / window
        achievedConcurrency = run.inFlightMean ?? Self.timeAverageInFlight(run.samples, from: run.statisticsStart, to: run.windowEnd)
        let meanLatencyAll = measured.isEmpty ? 0 : measured.reduce(0) { $0 + $1.latencySeconds } / Double(measured.count)
        // The arrival rate of the requests the mean is over: when a decided screening abandoned its
        // slow requests, the measured ones are those sent before the first of them, so they arrived
        // over that span, not the whole window (over the window, Little's law read half the
        // concurrency of a level cut at its middle).
        let arrivalEnd = min(run.completeBefore ?? run.windowEnd, run.windowEnd)
        let arrivalSeconds = Double(arrivalEnd - run.statisticsStart) / 1e9
        littleLawConcurrency = arrivalSeconds > 0 ? Double(measured.count) / arrivalSeconds * meanLatencyAll : 0
        tokensEstimated = succeeded.contains { $0.tokensSource == .estimate }
        warmupRequests = run.samples.count { $0.phase == .warmup }
        cooldownRequests = run.samples.count { $0.phase == .cooldown }
        finishedRequests = run.samples.count
        finishedFailures = run.samples.count { !$0.outcome.isSuccess }
        transientRequests = run.transientRequests
        isSteady = run.isSteady
        client = run.client
        serverMetrics = run.serverMetrics
        failureExamples = run.failureExamples
        let asked = succeeded.filter { $0.askedTokens != nil }
        answersAskedLength = asked.count
        answersAtAskedLength = asked.count { $0.completionTokens >= $0.askedTokens! }
        prefixCacheHitRate = succeeded.prefixCacheShare ?? run.serverMetrics?.prefixCacheHitRate
        turns = TurnSummary.byTurn(measured, confidence: confidence)
        let pastContext = run.samples.filter { $0.fault == .contextExceeded }
        promptsPastContext = Dictionary(
            pastContext.filter { ($0.turn ?? 1) == 1 }.map { ($0.promptIndex, $0.promptTokens) }, uniquingKeysWith: { first, _ in first })
        turnsPastContext = TurnsPastContext(pastContext.filter { ($0.turn ?? 1) > 1 })
    }

    /// Throughput with an interval: the window is cut into 10 equal slices and the completions in
    /// each are the batch means (see `meanInterval`).
    private static func throughput(of completed: [Sample], in run: LevelRun, confidence: Double) -> Estimate {
        let window = max(run.windowSeconds, 1e-9)
        let perMinute = Double(completed.count) / window * 60
        let slices = 10
        guard completed.count >= 2 * slices else { return Estimate(value: perMinute) }
        let sliceLength = Double(run.windowEnd - run.statisticsStart) / Double(slices)
        var counts = [Double](repeating: 0, count: slices)
        for sample in completed {
            let slice = Int(Double(sample.finishedAt - run.statisticsStart - 1) / sliceLength)
            counts[min(max(slice, 0), slices - 1)] += 1
        }
        let rates = counts.map { $0 / (sliceLength / 1e9) * 60 }
        guard let interval = meanInterval(rates, confidence: confidence, batches: slices) else {
            return Estimate(value: perMinute)
        }
        return Estimate(value: perMinute, lower: interval.lower, upper: interval.upper)
    }

    /// The time-average number of requests in flight over [start, end].
    private static func timeAverageInFlight(_ samples: [Sample], from start: Int64, to end: Int64) -> Double {
        guard end > start else { return 0 }
        var busy: Int64 = 0
        for sample in samples {
            let overlap = min(sample.finishedAt, end) - max(sample.sentAt, start)
            if overlap > 0 { busy += overlap }
        }
        return Double(busy) / Double(end - start)
    }
}

extension LevelSummary {
    /// "3 http_429, 2 connection_reset, 1 timeout": the failures by category, in `Outcome.allCases`
    /// order, each outcome's faults named where they have one; "" when none failed.
    public var failureSummary: String {
        var parts: [String] = []
        for outcome in Outcome.allCases where !outcome.isSuccess && outcomes[outcome] > 0 {
            let named = Fault.allCases.filter { $0.outcome == outcome && faults[$0, default: 0] > 0 }
            for fault in named { parts.append("\(faults[fault]!) \(fault.rawValue)") }
            let unnamed = outcomes[outcome] - named.reduce(0) { $0 + faults[$1]! }
            if unnamed > 0 { parts.append("\(unnamed) \(outcome.rawValue)") }
        }
        return parts.joined(separator: ", ")
    }

    /// "12 ThrottlingException, 1 ValidationException": the named failures, most first; "" when none.
    public var errorNamesSummary: String {
        (errorNames ?? [:]).sorted { $0.value == $1.value ? $0.key < $1.key : $0.value > $1.value }.map { "\($0.value) \($0.key)" }
            .joined(separator: ", ")
    }
}
