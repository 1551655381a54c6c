import Foundation

/// Fixed, locale-free number formatting, so files and reports are byte-identical between runs.
public enum NumberFormatting {
    /// `value` with exactly `places` decimals; "" for NaN, "inf" for infinity.
    public static func fixed(_ value: Double, places: Int) -> String {
        if value.isNaN { return "" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        let text = String(format: "%.\(places)f", value)
        return text == "-" + String(format: "%.\(places)f", 0.0) ? String(format: "%.\(places)f", 0.0) : text
    }

    /// `value` with `significant` significant digits and no exponent for everyday magnitudes,
    /// trailing zeros removed: 0.000123456 -> "0.000123456", 1234.5678 -> "1234.57".
    public static func significant(_ value: Double, digits significant: Int = 6) -> String {
        if value.isNaN { return "" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value == 0 { return "0" }
        let magnitude = Int(floor(log10(abs(value))))
        let places = max(0, significant - 1 - magnitude)
        var text = String(format: "%.\(min(places, 12))f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// A duration in seconds for people: "850 ms", "2.03 s", "1 min 5 s".
    public static func duration(seconds: Double) -> String {
        if seconds.isNaN { return "n/a" }
        if seconds.isInfinite { return "∞" }
        if seconds < 1 { return "\(significant(seconds * 1000, digits: 3)) ms" }
        if seconds < 120 { return "\(significant(seconds, digits: 3)) s" }
        let minutes = Int(seconds / 60)
        return "\(minutes) min \(Int(seconds.rounded()) - minutes * 60) s"
    }
}
