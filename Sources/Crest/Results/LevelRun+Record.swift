/// A run is recorded as its window and what its measurer learned, without its samples: search.jsonl
/// keeps this beside each search step, samples.jsonl the samples, and `with(samples:)` joins them
/// again (see `StoredSweep`). Decoding gives a run with no samples.
extension LevelRun: Codable {
    enum CodingKeys: String, CodingKey {
        case concurrency, decision, abandoned, client
        case startedAt = "started_ns"
        case windowStart = "window_start_ns"
        case windowEnd = "window_end_ns"
        case endedAt = "ended_ns"
        case completeBefore = "complete_before_ns"
        case steadyFrom = "steady_from_ns"
        case isSteady = "steady"
        case serverMetrics = "server_metrics"
        case inFlightMean = "in_flight_mean"
        case thinkingMean = "thinking_mean"
        case failureExamples = "failure_examples"
    }

    public init(from decoder: Decoder) throws {
        let record = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            level: try record.decodeLevel(forKey: .concurrency), samples: [],
            startedAt: try record.decode(Int64.self, forKey: .startedAt), windowStart: try record.decode(Int64.self, forKey: .windowStart),
            windowEnd: try record.decode(Int64.self, forKey: .windowEnd), endedAt: try record.decode(Int64.self, forKey: .endedAt),
            decision: try record.decodeIfPresent(LevelDecision.self, forKey: .decision), abandoned: try record.decode(Int.self, forKey: .abandoned),
            completeBefore: try record.decodeIfPresent(Int64.self, forKey: .completeBefore),
            steadyFrom: try record.decodeIfPresent(Int64.self, forKey: .steadyFrom), isSteady: try record.decode(Bool.self, forKey: .isSteady),
            client: try record.decodeIfPresent(ClientCheck.self, forKey: .client),
            serverMetrics: try record.decodeIfPresent(ServerMetrics.self, forKey: .serverMetrics),
            inFlightMean: try record.decodeIfPresent(Double.self, forKey: .inFlightMean),
            thinkingMean: try record.decodeIfPresent(Double.self, forKey: .thinkingMean),
            failureExamples: try record.decodeIfPresent([FailureExample].self, forKey: .failureExamples) ?? [])
    }

    public func encode(to encoder: Encoder) throws {
        var record = encoder.container(keyedBy: CodingKeys.self)
        try record.encode(level.concurrency, forKey: .concurrency)
        try record.encode(startedAt, forKey: .startedAt)
        try record.encode(windowStart, forKey: .windowStart)
        try record.encode(windowEnd, forKey: .windowEnd)
        try record.encode(endedAt, forKey: .endedAt)
        try record.encodeIfPresent(decision, forKey: .decision)
        try record.encode(abandoned, forKey: .abandoned)
        try record.encodeIfPresent(completeBefore, forKey: .completeBefore)
        try record.encodeIfPresent(steadyFrom, forKey: .steadyFrom)
        try record.encode(isSteady, forKey: .isSteady)
        try record.encodeIfPresent(client, forKey: .client)
        try record.encodeIfPresent(serverMetrics, forKey: .serverMetrics)
        try record.encodeIfPresent(inFlightMean, forKey: .inFlightMean)
        try record.encodeIfPresent(thinkingMean, forKey: .thinkingMean)
        if !failureExamples.isEmpty { try record.encode(failureExamples, forKey: .failureExamples) }
    }
}

/// One line of `search.jsonl`: the search step's fields, and under `run` its measurement's record.
struct SearchLine: Codable {
    let step: SearchStep
    let run: LevelRun?

    private enum Key: String, CodingKey { case run }

    init(step: SearchStep, run: LevelRun?) {
        self.step = step
        self.run = run
    }

    init(from decoder: Decoder) throws {
        step = try SearchStep(from: decoder)
        run = try decoder.container(keyedBy: Key.self).decodeIfPresent(LevelRun.self, forKey: .run)
    }

    func encode(to encoder: Encoder) throws {
        try step.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encodeIfPresent(run, forKey: .run)
    }
}
