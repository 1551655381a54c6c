import Crest

/// Number formats shared by the renderers.
enum Format {
    static func seconds(_ value: Double?) -> String {
        guard let value else { return "–" }
        return value.isFinite ? NumberFormatting.significant(value, digits: 3) : "∞"
    }

    static func seconds(_ estimate: Estimate?) -> String { seconds(estimate?.value) }

    /// A checked statistic as the console and the search log show it: "18.1s", "inf", "0.4%".
    static func statistic(_ check: ConstraintCheck) -> String { check.constraint.text(check.observed.value) }

    /// "4.12 (3.98–4.30)".
    static func secondsWithInterval(_ estimate: Estimate?) -> String {
        guard let estimate else { return "–" }
        return seconds(estimate.value) + interval(estimate, format: { seconds($0) })
    }

    static func rate(_ value: Double) -> String { NumberFormatting.significant(value, digits: 4) }

    static func rateWithInterval(_ estimate: Estimate) -> String {
        rate(estimate.value) + interval(estimate, format: rate)
    }

    static func percent(_ fraction: Double) -> String { NumberFormatting.significant(fraction * 100, digits: 3) + "%" }

    static func tokens(_ value: Double) -> String { String(Int(value.rounded())) }

    static func usd(_ value: Double?) -> String {
        guard let value else { return "–" }
        return value >= 0.01 ? NumberFormatting.fixed(value, places: 2) : NumberFormatting.significant(value, digits: 4)
    }

    private static func interval(_ estimate: Estimate, format: (Double) -> String) -> String {
        let lower = estimate.lower.map(format) ?? "?"
        let upper = estimate.upper.map { $0.isFinite ? format($0) : "∞" } ?? "?"
        return estimate.lower == nil && estimate.upper == nil ? "" : " (\(lower)–\(upper))"
    }
}
