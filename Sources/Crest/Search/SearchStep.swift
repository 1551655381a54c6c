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
    /// "calibrate", "ramp", "bracket", "knee", "confirm", "fixed" (a listed level), or a baseline's own phase names.
    public let phase: String
    public let reason: String
    public let prediction: Prediction?
    /// "screening", "confirmation", or the fixed rule a baseline used.
    public let test: String
    /// "certified feasible", "likely infeasible", ...
    public let verdict: String
    public let transactionsPerMinute: Double
    /// Point estimates of the constrained statistics, "e2e.p95=4.1s errors=0%".
    public let observed: String
    public let measuredRequests: Int
    /// Every request the level sent, warm-up and cool-down included.
    public let requestsSent: Int
    public let cumulativeRequests: Int
    public let cumulativeSeconds: Double
    /// The bracket after this step: the highest level known feasible and the lowest known infeasible.
    public let feasibleBelow: Int?
    public let infeasibleAbove: Int?

    public init(
        step: Int, concurrency: Int, phase: String, reason: String, prediction: Prediction?, test: String, verdict: String,
        transactionsPerMinute: Double, observed: String, measuredRequests: Int, requestsSent: Int, cumulativeRequests: Int,
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
}
