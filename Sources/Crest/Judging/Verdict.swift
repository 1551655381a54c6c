/// A constraint checked at one level: the observed statistic with its interval, against the limit.
public struct ConstraintCheck: Sendable, Equatable, Codable {
    public let constraint: Constraint
    public let observed: Estimate
    public let limit: Double

    /// True when the observed statistic is at or under the limit.
    public var isMet: Bool { observed.value <= limit }

    /// The statistic as a share of its limit (`Constraint.ratio(of:)`).
    public var ratioToLimit: Double { constraint.ratio(of: observed.value) }

    /// How far under the limit the statistic is, as a share of the limit: 0.25 means 25% to spare,
    /// negative means over. A zero error ceiling has full headroom at zero errors and none otherwise.
    public var headroom: Double {
        guard limit > 0 else { return observed.value == 0 ? 1 : -Double.infinity }
        return (limit - observed.value) / limit
    }

    /// "e2e.p95 = 4.12 s (limit 20 s)", for people.
    public var summary: String {
        switch constraint {
        case .latency(let latency):
            let limit = "limit \(NumberFormatting.duration(seconds: latency.limitSeconds))"
            guard observed.value.isInfinite else {
                return "\(latency.statisticName) = \(NumberFormatting.duration(seconds: observed.value)) (\(limit))"
            }
            // A percentile is infinite when it falls on failures, or when no measured request had
            // finished as a sequential test decided the level from those still running past the
            // limit: both count as over budget, and there are too many of them.
            if case .percentile(let percentile) = latency.statistic {
                let share = NumberFormatting.significant((1 - percentile.fraction) * 100, digits: 3)
                return "\(latency.statisticName) over budget (\(limit)): more than \(share)% of requests failed or were still running past the limit when the level was decided, and both count as over budget"
            }
            return "\(latency.statisticName) unmeasured (\(limit)): no request succeeded"
        case .errorRate(let max):
            return "errors = \(Budget.percent(observed.value)) (limit \(Budget.percent(max)))"
        }
    }
}

/// A level's standing against the budget: the point estimates of every constrained statistic with
/// their intervals, for a level run under a sequential test the test's decision, and whether its
/// clients were held back (then it is infeasible, whatever the rest says).
public struct Verdict: Sendable, Equatable, Codable {
    public let checks: [ConstraintCheck]
    /// The sequential test's decision; nil for a level measured for a fixed count or time.
    public let decision: LevelDecision?
    /// Set when the level's clients were held back: it was not measured at its concurrency.
    public let shortfall: LoadShortfall?

    public init(checks: [ConstraintCheck], decision: LevelDecision? = nil, shortfall: LoadShortfall? = nil) {
        self.checks = checks
        self.decision = decision
        self.shortfall = shortfall
    }

    /// True when the level meets the budget: by the test's decision when there is one, else by
    /// the point estimates; never when its clients were held back.
    public var isFeasible: Bool { shortfall == nil && (decision?.isFeasible ?? checks.allSatisfy(\.isMet)) }

    /// How the verdict was reached: "certified", "likely", "borderline", "point estimate", or
    /// "held back" for a level not measured at its concurrency.
    public var certaintyLabel: String { StepVerdict(self).basis.label }

    /// Why the level is not feasible, for people: the shortfall, then each broken constraint.
    public var breaches: [String] { (shortfall.map { [$0.summary] } ?? []) + violations.map(\.summary) }

    /// The constraint with the least headroom: the one that binds first as load grows.
    public var tightest: ConstraintCheck? { checks.min { $0.headroom < $1.headroom } }

    /// The constraints this level breaks, by their point estimates.
    public var violations: [ConstraintCheck] { checks.filter { !$0.isMet } }

    /// True when the level's test left it within its own noise of a limit.
    var isBorderline: Bool { decision?.certainty == .borderline }

    /// "feasible" or "infeasible", as written in levels.csv.
    public var label: String { isFeasible ? "feasible" : "infeasible" }

    /// How sure and which side, for people: the test's "likely feasible", `label` for a level
    /// judged on point estimates, "infeasible (held back)" for a level not measured at its concurrency.
    public var labelWithCertainty: String { StepVerdict(self).description }
}
