/// The top-level elements of a JSON array held as UTF-8 bytes, each with the line it starts on.
///
/// A ShareGPT file is one JSON array of conversations. Parsing it whole would name no line in an
/// error; splitting it here first lets each element be parsed on its own, and a malformed one be
/// named by the line where it starts. The scan follows only what splitting needs: strings (with
/// their escapes, so a bracket or a comma inside text does not count) and the nesting depth.
/// Whether each element is valid JSON is left to the parser it is handed to.
struct JSONArrayElements {
    struct Element {
        /// The element's bytes, from its first character to its last.
        let bytes: ArraySlice<UInt8>
        /// The 1-based line of its first character.
        let line: Int
    }

    enum ScanError: Error, Equatable {
        /// The text does not start with `[` (after white space).
        case notAnArray(line: Int)
        /// The text ends before the array closes.
        case unterminated(line: Int)
        /// Something follows the closing `]` other than white space.
        case trailingText(line: Int)
        /// The element starting at `line` closes a bracket or brace it did not open.
        case malformedElement(line: Int)
    }

    /// Splits `bytes` into the array's elements.
    static func split(_ bytes: [UInt8]) throws -> [Element] {
        var index = 0
        var line = 1
        func skipWhiteSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) {
                if bytes[index] == 0x0A { line += 1 }
                index += 1
            }
        }
        skipWhiteSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "[") else { throw ScanError.notAnArray(line: line) }
        index += 1
        var elements: [Element] = []
        // The closers the open brackets and braces of the current element expect, innermost last.
        var closers: [UInt8] = []
        var inString = false
        var start: (index: Int, line: Int)?
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A { line += 1 }
            if inString {
                if byte == UInt8(ascii: "\\") {
                    index += 1  // the escaped character is never a quote that ends the string
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                index += 1
                continue
            }
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D:
                break
            case UInt8(ascii: "\""):
                inString = true
                if start == nil { start = (index, line) }
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                closers.append(byte == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: "}"))
                if start == nil { start = (index, line) }
            case UInt8(ascii: "]") where closers.isEmpty, UInt8(ascii: ",") where closers.isEmpty:
                if let begun = start {
                    elements.append(Element(bytes: bytes[begun.index..<trimmedEnd(bytes, before: index)], line: begun.line))
                    start = nil
                }
                if byte == UInt8(ascii: "]") {
                    index += 1
                    skipWhiteSpace()
                    guard index == bytes.count else { throw ScanError.trailingText(line: line) }
                    return elements
                }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                guard closers.last == byte else { throw ScanError.malformedElement(line: start?.line ?? line) }
                closers.removeLast()
            default:
                if start == nil { start = (index, line) }
            }
            index += 1
        }
        throw ScanError.unterminated(line: line)
    }

    /// The end of an element that a comma or the closing bracket at `end` follows: white space before it dropped.
    private static func trimmedEnd(_ bytes: [UInt8], before end: Int) -> Int {
        var last = end
        while last > 0, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[last - 1]) { last -= 1 }
        return last
    }
}
