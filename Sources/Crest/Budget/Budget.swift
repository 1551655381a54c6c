/// A latency metric a budget can constrain.
public enum LatencyMetric: String, Sendable, Equatable, Codable, CaseIterable {
    /// Request sent to last byte.
    case e2e
    /// Request sent to first token.
    case ttft
    /// Per request: (e2e − TTFT) / (completion tokens − 1).
    case tpot
    /// Gaps between streamed chunks.
    case itl
    /// Request sent to the first token of the answer, after any reasoning (a reasoning model's
    /// thinking comes first, and its first token says nothing of when the user sees an answer).
    case ttfa
}

/// The statistic of a metric a budget constrains: its mean or a percentile.
public enum BudgetStatistic: Sendable, Hashable, Codable, CustomStringConvertible {
    case mean
    case percentile(Percentile)

    public var description: String {
        switch self {
        case .mean: return "mean"
        case .percentile(let percentile): return percentile.description
        }
    }
}

/// One latency constraint: `METRIC.STAT <= VALUE`, e.g. `e2e.p95 <= 20s`.
public struct LatencyConstraint: Sendable, Hashable, Codable, CustomStringConvertible {
    public let metric: LatencyMetric
    public let statistic: BudgetStatistic
    public let limitSeconds: Double

    public init(metric: LatencyMetric, statistic: BudgetStatistic, limitSeconds: Double) {
        self.metric = metric
        self.statistic = statistic
        self.limitSeconds = limitSeconds
    }

    /// The most digits a budget's percentile may have after the point (p99.99).
    public static let percentileDecimals = 2

    /// "e2e.p95", the name of the constrained statistic.
    public var statisticName: String { "\(metric.rawValue).\(statistic)" }

    /// "e2e.p95<=20s", the expression in Crest's own canonical form (it parses back to itself).
    public var description: String { "\(statisticName)<=\(Self.format(seconds: limitSeconds))" }

    static func format(seconds: Double) -> String {
        seconds < 1 ? NumberFormatting.significant(seconds * 1000) + "ms" : NumberFormatting.significant(seconds) + "s"
    }
}

/// What a level must meet to be feasible: every latency constraint (AND) and an error-rate ceiling.
public struct Budget: Sendable, Hashable, CustomStringConvertible {
    public let latency: [LatencyConstraint]
    /// The highest acceptable share of failed requests, in [0, 1]; nil for no ceiling.
    public let maxErrorRate: Double?

    public init(latency: [LatencyConstraint], maxErrorRate: Double?) {
        self.latency = latency
        self.maxErrorRate = maxErrorRate
    }

    /// "e2e.p95<=20s AND errors<=1%".
    public var description: String {
        var parts = latency.map(\.description)
        if let maxErrorRate { parts.append("errors<=" + Self.percent(maxErrorRate)) }
        return parts.isEmpty ? "none" : parts.joined(separator: " AND ")
    }

    static func percent(_ fraction: Double) -> String {
        NumberFormatting.significant(fraction * 100, digits: 4) + "%"
    }
}

/// In files (run.json, recommendation.json) a budget is its expression, "e2e.p95<=20s AND errors<=1%".
extension Budget: Codable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try Budget(parsingDescription: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not a budget Crest can read: \(error)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
