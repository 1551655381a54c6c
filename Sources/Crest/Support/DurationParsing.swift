import Foundation

/// Reads durations people type: "250ms", "90s", "2m", "1.5h"; a bare number is seconds.
public enum DurationParsing {
    /// The duration in seconds, or nil when `text` is not a positive duration.
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
        guard let value = DecimalNumber.parse(number.trimmingCharacters(in: .whitespaces)), value.isFinite, value > 0 else { return nil }
        return value * scale
    }
}
