/// One constraint of a budget.
public enum Constraint: Sendable, Equatable, Codable, CustomStringConvertible {
    case latency(LatencyConstraint)
    case errorRate(max: Double)

    /// "e2e.p95<=20s", "errors<=1%".
    public var description: String {
        switch self {
        case .latency(let constraint): return constraint.description
        case .errorRate(let max): return "errors<=" + Budget.percent(max)
        }
    }

    /// The constrained statistic's name: "e2e.p95", "errors".
    public var statisticName: String {
        switch self {
        case .latency(let constraint): return constraint.statisticName
        case .errorRate: return "errors"
        }
    }

    /// The limit: seconds for latency, a fraction for the error rate.
    public var limit: Double {
        switch self {
        case .latency(let constraint): return constraint.limitSeconds
        case .errorRate(let max): return max
        }
    }

    /// `value` as a share of the limit: 0.8 is 20% under, 1.1 is 10% over. A zero limit (an error
    /// ceiling of 0%) is met only at zero: infinitely over otherwise.
    public func ratio(of value: Double) -> Double {
        limit > 0 ? value / limit : (value > 0 ? .infinity : 0)
    }

    // In files a constraint reads as its expression, with the exact limit beside it (the
    // expression rounds it): {"expression": "e2e.p95<=20s", "limit": 20}.
    private enum CodingKeys: String, CodingKey { case expression, limit }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let expression = try container.decode(String.self, forKey: .expression)
        let limit = try container.decode(Double.self, forKey: .limit)
        if expression.hasPrefix("errors<=") {
            self = .errorRate(max: limit)
        } else {
            let parsed = try LatencyConstraint(parsing: expression)
            self = .latency(LatencyConstraint(metric: parsed.metric, statistic: parsed.statistic, limitSeconds: limit))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(description, forKey: .expression)
        try container.encode(limit, forKey: .limit)
    }
}
