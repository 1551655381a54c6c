/// The top-level elements of a JSON array, each with the line it starts on, read piece by piece.
///
/// A ShareGPT file is one JSON array of conversations, and may be a gigabyte. Parsing it whole
/// would hold it all and name no line in an error; this scan is fed the file a piece at a time and
/// hands each element on as soon as it closes, holding only the element it is inside, so each can
/// be parsed on its own and a malformed one named by the line where it starts. The scan follows
/// only what splitting needs: strings (with their escapes, so a bracket or a comma inside text does
/// not count) and the nesting depth. Whether each element is valid JSON is left to the parser it is
/// handed to.
struct JSONArrayElements {
    struct Element {
        /// The element's bytes, from its first character to its last.
        let bytes: [UInt8]
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

    private enum Place { case beforeArray, inArray, afterArray }

    private var place = Place.beforeArray
    private var line = 1
    /// The closers the open brackets and braces of the current element expect, innermost last.
    private var closers: [UInt8] = []
    private var inString = false
    private var escaped = false
    /// The current element's bytes so far, and the line it starts on; nil between elements.
    private var element: [UInt8] = []
    private var elementLine: Int?

    init() {}

    /// Splits `bytes`, a whole array, into its elements.
    static func split(_ bytes: [UInt8]) throws -> [Element] {
        var scan = JSONArrayElements()
        var elements: [Element] = []
        try scan.feed(bytes) { elements.append($0) }
        try scan.finish()
        return elements
    }

    /// Reads the next piece of the text; `emit` gets each element that closes in it, in order.
    mutating func feed(_ bytes: some Sequence<UInt8>, emit: (Element) throws -> Void) throws {
        for byte in bytes {
            if byte == 0x0A { line += 1 }
            switch place {
            case .beforeArray:
                guard !Self.isWhiteSpace(byte) else { continue }
                guard byte == UInt8(ascii: "[") else { throw ScanError.notAnArray(line: line) }
                place = .inArray
            case .afterArray:
                guard Self.isWhiteSpace(byte) else { throw ScanError.trailingText(line: line) }
            case .inArray:
                try scan(byte, emit: emit)
            }
        }
    }

    /// Ends the text: the array must have closed.
    func finish() throws {
        switch place {
        case .beforeArray: throw ScanError.notAnArray(line: line)
        case .inArray: throw ScanError.unterminated(line: line)
        case .afterArray: return
        }
    }

    private mutating func scan(_ byte: UInt8, emit: (Element) throws -> Void) throws {
        if inString {
            element.append(byte)
            if escaped {
                escaped = false  // the escaped character is never a quote that ends the string
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else if byte == UInt8(ascii: "\"") {
                inString = false
            }
            return
        }
        switch byte {
        case 0x20, 0x09, 0x0A, 0x0D:
            if elementLine != nil { element.append(byte) }
        case UInt8(ascii: "\""):
            inString = true
            begin(byte)
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            closers.append(byte == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: "}"))
            begin(byte)
        case UInt8(ascii: "]") where closers.isEmpty, UInt8(ascii: ",") where closers.isEmpty:
            if let start = elementLine {
                while let last = element.last, Self.isWhiteSpace(last) { element.removeLast() }
                try emit(Element(bytes: element, line: start))
                element.removeAll(keepingCapacity: true)
                elementLine = nil
            }
            if byte == UInt8(ascii: "]") { place = .afterArray }
        case UInt8(ascii: "]"), UInt8(ascii: "}"):
            guard closers.last == byte else { throw ScanError.malformedElement(line: elementLine ?? line) }
            closers.removeLast()
            element.append(byte)
        default:
            begin(byte)
        }
    }

    /// Adds `byte` to the current element, which it begins if none has.
    private mutating func begin(_ byte: UInt8) {
        if elementLine == nil { elementLine = line }
        element.append(byte)
    }

    private static func isWhiteSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}
