/// How a constrained statistic's value is written wherever Crest shows one beside its name, in
/// search.jsonl, the console and the progress line: "18.1s", "inf", "0.5%" (four significant
/// digits), and read back from search.jsonl.
public enum StatisticText {
    public static func format(_ value: Double, isErrorRate: Bool) -> String {
        if isErrorRate { return Budget.percent(value) }
        return value.isFinite ? NumberFormatting.significant(value, digits: 4) + "s" : "inf"
    }

    /// Reads `format`'s text back; nil for text it does not write.
    public static func parse(_ text: Substring) -> (value: Double, isErrorRate: Bool)? {
        if text.hasSuffix("%") { return Double(text.dropLast()).map { ($0 / 100, true) } }
        if text == "inf" { return (.infinity, false) }
        return text.hasSuffix("s") ? Double(text.dropLast()).map { ($0, false) } : nil
    }
}

extension Constraint {
    /// True for the error-rate ceiling, whose statistic is a share, not seconds.
    public var isErrorRate: Bool {
        if case .errorRate = self { return true }
        return false
    }

    /// A value of this constraint's statistic, or its limit, as `StatisticText` writes it.
    public func text(_ value: Double) -> String { StatisticText.format(value, isErrorRate: isErrorRate) }
}
