/// The start line and header fields of an HTTP/1.1 message, accumulated until the blank line.
struct HTTPHeaderBlock {
    /// A head longer than this is refused: no real server or client sends one.
    static let maximumSize = 64 * 1024

    private(set) var bytes: [UInt8] = []

    /// Appends bytes from `input` up to the end of the head. Returns how many it took and whether
    /// the head is now complete.
    mutating func append(_ input: UnsafeBufferPointer<UInt8>) throws -> (consumed: Int, isComplete: Bool) {
        var index = 0
        while index < input.count {
            bytes.append(input[index])
            index += 1
            if bytes.count >= 4, bytes[bytes.count - 1] == 10, bytes[bytes.count - 2] == 13,
               bytes[bytes.count - 3] == 10, bytes[bytes.count - 4] == 13 {
                return (index, true)
            }
            // Tolerate bare LF line ends, as most parsers do.
            if bytes.count >= 2, bytes[bytes.count - 1] == 10, bytes[bytes.count - 2] == 10 { return (index, true) }
            if bytes.count > Self.maximumSize { throw HTTPParseError.headTooLarge }
        }
        return (index, false)
    }

    /// The start line and the fields, names lower-cased.
    func lines() throws -> (startLine: String, fields: [(name: String, value: String)]) {
        // Split bytes, not a String: Swift reads "\r\n" as one Character.
        var lines = bytes.split(separator: 10, omittingEmptySubsequences: false).map { line in
            Substring(String(decoding: line.last == 13 ? line.dropLast() : line, as: UTF8.self))
        }
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        guard let first = lines.first, !first.isEmpty else { throw HTTPParseError.malformedStartLine("") }
        var fields: [(String, String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { throw HTTPParseError.malformedHeader(String(line)) }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces()
            fields.append((name, value))
        }
        return (String(first), fields)
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}

/// Why bytes from the other side are not HTTP/1.1 that Crest understands.
public enum HTTPParseError: Error, Equatable, CustomStringConvertible {
    case headTooLarge
    /// A request body longer than the server takes (its Content-Length says so before it arrives).
    case bodyTooLarge(Int)
    case malformedStartLine(String)
    case malformedHeader(String)
    case malformedChunkSize(String)
    case malformedChunkEnd
    case truncated

    public var description: String {
        switch self {
        case .headTooLarge: return "HTTP head longer than \(HTTPHeaderBlock.maximumSize) bytes"
        case .bodyTooLarge(let limit): return "request body longer than \(limit) bytes"
        case .malformedStartLine(let line): return "malformed HTTP start line '\(line.prefix(80))'"
        case .malformedHeader(let line): return "malformed HTTP header line '\(line.prefix(80))'"
        case .malformedChunkSize(let line): return "malformed chunk size '\(line.prefix(20))'"
        case .malformedChunkEnd: return "chunk data not followed by CRLF"
        case .truncated: return "the connection closed before the response ended"
        }
    }
}
