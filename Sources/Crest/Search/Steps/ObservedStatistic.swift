/// A constrained statistic's point estimate at a step, and for a level a sequential test decided
/// by counting requests over the limit, the counts its decision rested on. These counts matter most
/// where the level is borderline: its verdict takes the side of the judged requests' count, while
/// the statistic is over every measured request, those still running at the decision too.
public struct ObservedStatistic: Sendable, Equatable, CustomStringConvertible {
    /// Requests over the limit (failures included) among those the test judged.
    public struct Counts: Sendable, Equatable {
        public let over: Int
        public let judged: Int
    }

    /// "e2e.p95", "errors".
    public let statistic: String
    /// Seconds, or for the error rate a share in [0, 1], to the four significant digits shown: the
    /// exact value is the level verdict's, and a step reads back from search.jsonl as it was.
    public let value: Double
    public let isErrorRate: Bool
    public let counts: Counts?

    public init(statistic: String, value: Double, isErrorRate: Bool, counts: Counts?) {
        self.statistic = statistic
        self.value = value
        self.isErrorRate = isErrorRate
        self.counts = counts
    }

    /// The check's point estimate; with the decision's counts for a statistic judged by counting.
    public init(_ check: ConstraintCheck, decision: LevelDecision?) {
        var counts: Counts?
        if let decision, let counted = decision.constraints.first(where: { $0.constraint == check.constraint }),
           Self.isJudgedByCount(check.constraint), counted.outcome != .undecided || decision.certainty == .borderline {
            counts = Counts(over: counted.over, judged: counted.judged)
        }
        let shown = StatisticText.parse(check.constraint.text(check.observed.value)[...])?.value ?? check.observed.value
        self.init(statistic: check.constraint.statisticName, value: shown, isErrorRate: check.constraint.isErrorRate, counts: counts)
    }

    /// Every constrained statistic of a verdict, in the budget's order.
    public static func all(_ verdict: Verdict) -> [ObservedStatistic] {
        verdict.checks.map { ObservedStatistic($0, decision: verdict.decision) }
    }

    /// "15.4s", "inf", "0.5%".
    public var valueText: String { StatisticText.format(value, isErrorRate: isErrorRate) }

    /// "e2e.p95=15.4s (9/32 over)".
    public var description: String {
        "\(statistic)=\(valueText)" + (counts.map { " (\($0.over)/\($0.judged) over)" } ?? "")
    }

    /// Percentiles and the error rate are judged by counts over their limit; means and ITL (pooled
    /// gaps) by their values, so counts say nothing about them.
    private static func isJudgedByCount(_ constraint: Constraint) -> Bool {
        guard case .latency(let latency) = constraint else { return true }
        return latency.metric != .itl && latency.statistic != .mean
    }
}

extension ObservedStatistic {
    /// Reads the statistics of a step back from search.jsonl's "observed", as `description`s
    /// joined by spaces; nil for text that is not such a list.
    static func list(parsing text: String) -> [ObservedStatistic]? {
        var statistics: [ObservedStatistic] = []
        var words = text.split(separator: " ")[...]
        while let word = words.popFirst() {
            let parts = word.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            guard let read = StatisticText.parse(parts[1]) else { return nil }
            var counts: Counts?
            if let first = words.first, first.hasPrefix("(") {
                let fraction = first.dropFirst().split(separator: "/")
                guard words.dropFirst().first == "over)", fraction.count == 2, let over = Int(fraction[0]), let judged = Int(fraction[1])
                else { return nil }
                counts = Counts(over: over, judged: judged)
                words = words.dropFirst(2)
            }
            statistics.append(ObservedStatistic(statistic: String(parts[0]), value: read.value, isErrorRate: read.isErrorRate, counts: counts))
        }
        return statistics
    }
}
