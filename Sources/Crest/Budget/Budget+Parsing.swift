import Foundation

/// Why a budget expression could not be read.
public enum BudgetError: Error, Equatable, Sendable {
    case malformed(expression: String, problem: String)
    case malformedErrorRate(value: String)
}

extension BudgetError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .malformed(let expression, _): return "budget '\(expression)': \(detail)"
        case .malformedErrorRate(let value): return "error-rate ceiling '\(value)': \(detail)"
        }
    }

    /// What is wrong and what was expected, without the text given: for messages that name where
    /// the text came from (a flag, a field of a file).
    public var detail: String {
        switch self {
        case .malformed(_, let problem):
            return "\(problem); expected METRIC.STAT<=VALUE such as 'e2e.p95<=20s' or 'ttft.mean<=800ms' (METRIC e2e, ttft, ttfa, tpot or itl; STAT mean or a percentile like p99.9; VALUE in ms or s)"
        case .malformedErrorRate:
            return "expected a percentage such as '1%' or '0.5%', or a fraction such as 0.01, between 0 and 100%"
        }
    }
}

extension LatencyConstraint {
    /// Parses `METRIC.STAT<=VALUE`; spaces are allowed around the parts.
    /// - Throws: `BudgetError.malformed` saying which part is wrong.
    public init(parsing expression: String) throws {
        func fail(_ problem: String) -> BudgetError { .malformed(expression: expression, problem: problem) }
        let parts = expression.split(separator: "<=", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            if expression.contains("<") || expression.contains("=") || expression.contains(">") {
                throw fail("the comparison must be '<=' (a budget is an upper bound)")
            }
            throw fail("no '<=' found")
        }
        let name = parts[0].trimmingCharacters(in: .whitespaces).lowercased()
        let value = parts[1].trimmingCharacters(in: .whitespaces).lowercased()
        let nameParts = name.split(separator: ".", maxSplits: 1)
        guard nameParts.count == 2 else { throw fail("'\(name)' must be METRIC.STAT, such as e2e.p95") }
        guard let metric = LatencyMetric(rawValue: String(nameParts[0])) else {
            throw fail("unknown metric '\(nameParts[0])' (known: e2e, ttft, tpot, itl, ttfa)")
        }
        let statistic = try Self.parseStatistic(String(nameParts[1]), fail: fail)
        self.init(metric: metric, statistic: statistic, limitSeconds: try Self.parseSeconds(value, fail: fail))
    }

    private static func parseStatistic(_ text: String, fail: (String) -> BudgetError) throws -> BudgetStatistic {
        if text == "mean" || text == "avg" { return .mean }
        let digits = text.dropFirst()
        guard text.hasPrefix("p"), let percent = DecimalNumber.parse(digits) else {
            throw fail("unknown statistic '\(text)' (use mean, or a percentile such as p50, p95, p99.9)")
        }
        guard percent > 0 && percent < 100 else { throw fail("percentile '\(text)' must lie strictly between p0 and p100") }
        // A finer percentile cannot be certified by a test of any size Crest sends (p99.99 takes
        // 29,956 requests without one over the limit), and it would not survive being written back.
        if let point = digits.firstIndex(of: "."), digits[digits.index(after: point)...].count > LatencyConstraint.percentileDecimals {
            throw fail("percentile '\(text)' has more than \(LatencyConstraint.percentileDecimals) digits after the point; the finest is p99.99")
        }
        return .percentile(Percentile(percent))
    }

    private static func parseSeconds(_ text: String, fail: (String) -> BudgetError) throws -> Double {
        let scale: Double
        let number: Substring
        if text.hasSuffix("ms") {
            scale = 0.001
            number = text.dropLast(2)
        } else if text.hasSuffix("s") {
            scale = 1
            number = text.dropLast()
        } else {
            throw fail("the value '\(text)' needs a unit, ms or s")
        }
        guard let value = DecimalNumber.parse(number.trimmingCharacters(in: .whitespaces)), value.isFinite else {
            throw fail("'\(text)' is not a number with a unit")
        }
        guard value > 0 else { throw fail("the limit must be above zero") }
        guard value * scale <= DurationParsing.longestSeconds else { throw fail("the limit '\(text)' is longer than any latency a budget takes (at most 720h)") }
        return value * scale
    }
}

extension Budget {
    /// Parses the error-rate ceiling: "1%", "0.5 %" or a fraction "0.01".
    public static func parseErrorRate(_ text: String) throws -> Double {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let fraction: Double?
        if trimmed.hasSuffix("%") {
            fraction = DecimalNumber.parse(trimmed.dropLast().trimmingCharacters(in: .whitespaces)).map { $0 / 100 }
        } else {
            fraction = DecimalNumber.parse(trimmed)
        }
        guard let fraction, fraction.isFinite, fraction >= 0, fraction <= 1 else {
            throw BudgetError.malformedErrorRate(value: text)
        }
        return fraction
    }
}

extension Budget {
    /// Parses a budget as `description` writes it (the files keep it so): "e2e.p95<=20s AND errors<=1%".
    public init(parsingDescription text: String) throws {
        var latency: [LatencyConstraint] = []
        var maxErrorRate: Double?
        for part in text.components(separatedBy: " AND ") where !part.isEmpty && part != "none" {
            if part.hasPrefix("errors<=") {
                maxErrorRate = try Budget.parseErrorRate(String(part.dropFirst("errors<=".count)))
            } else {
                latency.append(try LatencyConstraint(parsing: part))
            }
        }
        self.init(latency: latency, maxErrorRate: maxErrorRate)
    }
}
