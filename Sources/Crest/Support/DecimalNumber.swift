/// Reads numbers as people type them in options and budgets: decimal digits with at most one
/// point ("20", "1.5", ".5"). Swift's `Double(_:)` also takes hexadecimal ("0x10" is 16), exponents
/// ("1e3"), "inf" and "nan", none of which anyone means by a timeout or a price.
public enum DecimalNumber {
    /// The value of `text`, or nil when it is not a plain decimal number.
    public static func parse(_ text: some StringProtocol) -> Double? {
        var digits = 0
        var points = 0
        for character in text {
            if character == "." {
                points += 1
            } else if character.isASCII && character.isNumber {
                digits += 1
            } else {
                return nil
            }
        }
        guard digits > 0, points <= 1 else { return nil }
        return Double(String(text))
    }
}
