/// A request as the server sees it.
public struct HTTPServerRequest: Sendable {
    public let method: String
    /// The path without the query.
    public let path: String
    public let query: String?
    /// Header fields, names lower-cased.
    public let fields: [String: String]
    public let body: [UInt8]
}

/// An incremental HTTP/1.1 request parser for the server: a head, then a body of Content-Length
/// bytes. Chunked request bodies are refused (no client Crest serves sends them).
struct HTTPRequestParser {
    /// Request bodies larger than this are refused: a prompt is kilobytes.
    static let maximumBody = 16 << 20

    private var block = HTTPHeaderBlock()
    private var head: (method: String, path: String, query: String?, fields: [String: String])?
    private var body: [UInt8] = []
    private var bodyLength = 0

    /// Parses `input`; returns the request once complete, and how many bytes were used.
    mutating func parse(_ input: UnsafeBufferPointer<UInt8>) throws -> (request: HTTPServerRequest?, consumed: Int) {
        var index = 0
        if head == nil {
            let (consumed, isComplete) = try block.append(input)
            index = consumed
            guard isComplete else { return (nil, index) }
            try readHead()
        }
        let take = min(bodyLength - body.count, input.count - index)
        body.append(contentsOf: UnsafeBufferPointer(rebasing: input[index..<(index + take)]))
        index += take
        guard body.count == bodyLength, let head else { return (nil, index) }
        let request = HTTPServerRequest(method: head.method, path: head.path, query: head.query, fields: head.fields, body: body)
        self = HTTPRequestParser()
        return (request, index)
    }

    private mutating func readHead() throws {
        let (startLine, fieldList) = try block.lines()
        let parts = startLine.split(separator: " ")
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else { throw HTTPParseError.malformedStartLine(startLine) }
        var fields: [String: String] = [:]
        for (name, value) in fieldList { fields[name] = value }
        if fields["transfer-encoding"] != nil { throw HTTPParseError.malformedHeader("transfer-encoding in a request") }
        bodyLength = Int(fields["content-length"] ?? "0") ?? -1
        guard bodyLength >= 0 else { throw HTTPParseError.malformedHeader("content-length") }
        guard bodyLength <= Self.maximumBody else { throw HTTPParseError.bodyTooLarge(Self.maximumBody) }
        let target = parts[1].split(separator: "?", maxSplits: 1)
        head = (String(parts[0]), String(target.first ?? "/"), target.count > 1 ? String(target[1]) : nil, fields)
        body.reserveCapacity(bodyLength)
    }
}
