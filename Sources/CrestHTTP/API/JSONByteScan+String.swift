extension JSONKey {
    static let special = JSONKey("special")
}

extension JSONByteScan {
    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")

    /// The first string that a `key` holds, unescaped; nil when no `key` holds a string, or the
    /// string is not valid JSON. A session sweep reads every streamed reply's text this way: at
    /// about a microsecond an event, where decoding the event as JSON costs tens.
    static func stringValue(of key: JSONKey, in bytes: [UInt8]) -> String? {
        var from = 0
        while let start = valueStart(of: key, in: bytes, from: from) {
            if start < bytes.count, bytes[start] == quote { return unescaped(bytes, from: start + 1) }
            from = start
        }
        return nil
    }

    /// True when `key` holds `true`.
    static func isTrue(_ key: JSONKey, in bytes: [UInt8]) -> Bool {
        guard let start = valueStart(of: key, in: bytes) else { return false }
        return bytes[start...].starts(with: "true".utf8)
    }

    /// The JSON string whose text begins at `start` (after its opening quote), up to its closing quote.
    private static func unescaped(_ bytes: [UInt8], from start: Int) -> String? {
        var text: [UInt8] = []
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            if byte == quote { return String(decoding: text, as: UTF8.self) }
            index += 1
            guard byte == backslash else {
                text.append(byte)
                continue
            }
            guard index < bytes.count else { return nil }
            let escape = bytes[index]
            index += 1
            switch escape {
            case quote, backslash, UInt8(ascii: "/"): text.append(escape)
            case UInt8(ascii: "b"): text.append(8)
            case UInt8(ascii: "f"): text.append(12)
            case UInt8(ascii: "n"): text.append(10)
            case UInt8(ascii: "r"): text.append(13)
            case UInt8(ascii: "t"): text.append(9)
            case UInt8(ascii: "u"):
                guard var scalar = hexUnit(bytes, at: index) else { return nil }
                index += 4
                // A character beyond the basic plane comes as a pair of surrogates.
                if (0xD800...0xDBFF).contains(scalar), index + 6 <= bytes.count, bytes[index] == backslash, bytes[index + 1] == UInt8(ascii: "u"),
                    let low = hexUnit(bytes, at: index + 2), (0xDC00...0xDFFF).contains(low) {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                // A lone surrogate is no character: the replacement character stands for it, as a decoder's does.
                text += Array(String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8)
            default:
                return nil
            }
        }
        return nil
    }

    /// The four hexadecimal digits at `index`, as a number; nil when they are not.
    private static func hexUnit(_ bytes: [UInt8], at index: Int) -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for byte in bytes[index..<(index + 4)] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}
