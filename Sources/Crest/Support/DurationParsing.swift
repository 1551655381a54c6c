import Foundation

/// Reads durations people type: "250ms", "90s", "2m", "1.5h"; a bare number is seconds.
public enum DurationParsing {
    /// The longest duration any option or limit takes: 30 days (720h). A sweep, a level, a
    /// timeout or a latency limit longer than that is a slip of the keyboard, and every time
    /// derived from one (ten timeouts, in nanoseconds) must stay far inside an Int.
    public static let longestSeconds: Double = 30 * 24 * 3600

    /// The duration in seconds, or nil when `text` is not a duration above zero and at most `longestSeconds`.
    public static func seconds(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(suffix: String, scale: Double)] = [("ms", 0.001), ("min", 60), ("s", 1), ("m", 60), ("h", 3600)]
        var scale = 1.0
        var number = Substring(trimmed)
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            scale = unit.scale
            number = trimmed.dropLast(unit.suffix.count)
            break
        }
        guard let value = DecimalNumber.parse(number.trimmingCharacters(in: .whitespaces)), value.isFinite, value > 0,
              value * scale <= longestSeconds else { return nil }
        return value * scale
    }
}
