/// One decision of a search, as search.jsonl records it: which level, why, what the model
/// predicted there at that moment, what the level's test concluded, and what it cost.
public struct SearchStep: Sendable, Equatable, Codable {
    /// What the model predicted for a constrained statistic at the chosen level.
    public struct Prediction: Sendable, Equatable, Codable {
        public let statistic: String
        public let model: String
        public let value: Double
        public let lower: Double?
        public let upper: Double?

        public init(statistic: String, model: String, value: Double, lower: Double?, upper: Double?) {
            self.statistic = statistic
            self.model = model
            self.value = value
            self.lower = lower
            self.upper = upper
        }
    }

    public let step: Int
    public let concurrency: Int
    public let phase: SearchPhase
    public let reason: String
    public let prediction: Prediction?
    public let test: StepTest
    public let verdict: StepVerdict
    public let transactionsPerMinute: Double
    /// Point estimates of the constrained statistics; in the file "e2e.p95=4.1s errors=0%".
    public let observed: [ObservedStatistic]
    public let measuredRequests: Int
    /// Every request the level sent, warm-up and cool-down included.
    public let requestsSent: Int
    public let cumulativeRequests: Int
    public let cumulativeSeconds: Double
    /// The bracket after this step: the highest level known feasible and the lowest known infeasible.
    public let feasibleBelow: Int?
    public let infeasibleAbove: Int?

    public init(
        step: Int, concurrency: Int, phase: SearchPhase, reason: String, prediction: Prediction?, test: StepTest, verdict: StepVerdict,
        transactionsPerMinute: Double, observed: [ObservedStatistic], measuredRequests: Int, requestsSent: Int, cumulativeRequests: Int,
        cumulativeSeconds: Double, feasibleBelow: Int?, infeasibleAbove: Int?
    ) {
        self.step = step
        self.concurrency = concurrency
        self.phase = phase
        self.reason = reason
        self.prediction = prediction
        self.test = test
        self.verdict = verdict
        self.transactionsPerMinute = transactionsPerMinute
        self.observed = observed
        self.measuredRequests = measuredRequests
        self.requestsSent = requestsSent
        self.cumulativeRequests = cumulativeRequests
        self.cumulativeSeconds = cumulativeSeconds
        self.feasibleBelow = feasibleBelow
        self.infeasibleAbove = infeasibleAbove
    }

    /// The observed statistics as one line, as search.jsonl and the report's table show them.
    public var observedText: String { observed.map(\.description).joined(separator: " ") }

    enum CodingKeys: String, CodingKey {
        case step, concurrency, phase, reason, prediction, test, verdict, observed
        case transactionsPerMinute = "transactions_per_minute"
        case measuredRequests = "measured_requests"
        case requestsSent = "requests_sent"
        case cumulativeRequests = "cumulative_requests"
        case cumulativeSeconds = "cumulative_seconds"
        case feasibleBelow = "feasible_below"
        case infeasibleAbove = "infeasible_above"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        step = try container.decode(Int.self, forKey: .step)
        concurrency = try container.decode(Int.self, forKey: .concurrency)
        phase = try container.decode(SearchPhase.self, forKey: .phase)
        reason = try container.decode(String.self, forKey: .reason)
        prediction = try container.decodeIfPresent(Prediction.self, forKey: .prediction)
        test = try container.decode(StepTest.self, forKey: .test)
        verdict = try container.decode(StepVerdict.self, forKey: .verdict)
        transactionsPerMinute = try container.decode(Double.self, forKey: .transactionsPerMinute)
        let observedText = try container.decode(String.self, forKey: .observed)
        guard let observed = ObservedStatistic.list(parsing: observedText) else {
            throw DecodingError.dataCorruptedError(
                forKey: .observed, in: container, debugDescription: "'\(observedText)' is not a list of statistics Crest can read")
        }
        self.observed = observed
        measuredRequests = try container.decode(Int.self, forKey: .measuredRequests)
        requestsSent = try container.decode(Int.self, forKey: .requestsSent)
        cumulativeRequests = try container.decode(Int.self, forKey: .cumulativeRequests)
        cumulativeSeconds = try container.decode(Double.self, forKey: .cumulativeSeconds)
        feasibleBelow = try container.decodeIfPresent(Int.self, forKey: .feasibleBelow)
        infeasibleAbove = try container.decodeIfPresent(Int.self, forKey: .infeasibleAbove)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(step, forKey: .step)
        try container.encode(concurrency, forKey: .concurrency)
        try container.encode(phase, forKey: .phase)
        try container.encode(reason, forKey: .reason)
        try container.encodeIfPresent(prediction, forKey: .prediction)
        try container.encode(test, forKey: .test)
        try container.encode(verdict, forKey: .verdict)
        try container.encode(transactionsPerMinute, forKey: .transactionsPerMinute)
        try container.encode(observedText, forKey: .observed)
        try container.encode(measuredRequests, forKey: .measuredRequests)
        try container.encode(requestsSent, forKey: .requestsSent)
        try container.encode(cumulativeRequests, forKey: .cumulativeRequests)
        try container.encode(cumulativeSeconds, forKey: .cumulativeSeconds)
        try container.encodeIfPresent(feasibleBelow, forKey: .feasibleBelow)
        try container.encodeIfPresent(infeasibleAbove, forKey: .infeasibleAbove)
    }
}
