/// What the head of a response says.
public struct HTTPResponseHead: Sendable, Equatable {
    public let status: Int
    public let fields: [String: String]

    /// The server will close the connection after this response.
    public var closesConnection: Bool { fields["connection"]?.lowercased() == "close" }

    /// Retry-After in seconds, when given as a number (the HTTP-date form is rare for 429s).
    public var retryAfterSeconds: Double? { fields["retry-after"].flatMap(Double.init) }
}

/// An incremental HTTP/1.1 response parser: feed it bytes as they arrive, in any split, and it
/// reports the head, each piece of body (de-chunked), and the end. Bodies framed by
/// Content-Length, by chunked transfer coding, or by the connection closing are all understood.
///
/// It copies nothing of the body: pieces are slices of the buffer it was given.
public struct HTTPResponseParser {
    private enum State {
        case head(HTTPHeaderBlock)
        case fixedLength(remaining: Int)
        case chunkSize(line: [UInt8])
        case chunkData(remaining: Int)
        case chunkDataEnd(seen: Int)
        case trailer(line: [UInt8])
        case untilClose
        case done
    }

    private var state = State.head(HTTPHeaderBlock())

    public init() {}

    /// True once the whole response has been seen.
    public var isDone: Bool { if case .done = state { return true } else { return false } }

    /// True while no byte of the head has been seen: the connection is between responses.
    public var hasStarted: Bool {
        if case .head(let block) = state { return !block.bytes.isEmpty }
        return true
    }

    /// Readies the parser for the next response on a kept-alive connection.
    public mutating func reset() { state = .head(HTTPHeaderBlock()) }

    /// Parses `input`, calling `head` once, `body` for each piece of body, and `end` when the
    /// response is complete. Bytes after the end are left alone; returns how many were used.
    @discardableResult
    public mutating func parse(
        _ input: UnsafeBufferPointer<UInt8>, head: (HTTPResponseHead) -> Void, body: (UnsafeBufferPointer<UInt8>) -> Void,
        end: () -> Void
    ) throws -> Int {
        var index = 0
        while index < input.count {
            let rest = UnsafeBufferPointer(rebasing: input[index...])
            switch state {
            case .head(var block):
                let (consumed, isComplete) = try block.append(rest)
                index += consumed
                guard isComplete else { state = .head(block); return index }
                let parsed = try Self.responseHead(block)
                head(parsed)
                state = Self.bodyState(for: parsed)
                if case .done = state { end(); return index }
            case .fixedLength(let remaining):
                let take = min(remaining, rest.count)
                body(UnsafeBufferPointer(rebasing: rest[..<take]))
                index += take
                state = remaining - take == 0 ? .done : .fixedLength(remaining: remaining - take)
                if remaining - take == 0 { end(); return index }
            case .chunkSize(var line):
                let byte = rest[0]
                index += 1
                if byte == 10 {
                    let size = try Self.chunkSize(line)
                    state = size == 0 ? .trailer(line: []) : .chunkData(remaining: size)
                } else {
                    line.append(byte)
                    if line.count > 1024 { throw HTTPParseError.malformedChunkSize(String(decoding: line, as: UTF8.self)) }
                    state = .chunkSize(line: line)
                }
            case .chunkData(let remaining):
                let take = min(remaining, rest.count)
                body(UnsafeBufferPointer(rebasing: rest[..<take]))
                index += take
                state = remaining - take == 0 ? .chunkDataEnd(seen: 0) : .chunkData(remaining: remaining - take)
            case .chunkDataEnd(let seen):
                let byte = rest[0]
                index += 1
                if byte == 10 {
                    state = .chunkSize(line: [])
                } else if byte == 13 && seen == 0 {
                    state = .chunkDataEnd(seen: 1)
                } else {
                    throw HTTPParseError.malformedChunkEnd
                }
            case .trailer(var line):
                let byte = rest[0]
                index += 1
                if byte == 10 {
                    if line.isEmpty || line == [13] {
                        state = .done
                        end()
                        return index
                    }
                    line.removeAll()
                } else {
                    line.append(byte)
                }
                state = .trailer(line: line)
            case .untilClose:
                body(rest)
                index = input.count
            case .done:
                return index
            }
        }
        return index
    }

    /// The connection closed: completes a close-delimited body, and is an error anywhere else
    /// inside a response.
    public mutating func connectionClosed(end: () -> Void) throws {
        switch state {
        case .untilClose:
            state = .done
            end()
        case .done:
            break
        default:
            throw HTTPParseError.truncated
        }
    }

    private static func responseHead(_ block: HTTPHeaderBlock) throws -> HTTPResponseHead {
        let (startLine, fieldList) = try block.lines()
        let parts = startLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let status = Int(parts[1]) else {
            throw HTTPParseError.malformedStartLine(startLine)
        }
        var fields: [String: String] = [:]
        for (name, value) in fieldList { fields[name] = value }
        return HTTPResponseHead(status: status, fields: fields)
    }

    private static func bodyState(for head: HTTPResponseHead) -> State {
        if head.status == 204 || head.status == 304 || (100..<200).contains(head.status) { return .done }
        if head.fields["transfer-encoding"]?.lowercased().contains("chunked") == true { return .chunkSize(line: []) }
        if let length = head.fields["content-length"].flatMap(Int.init) {
            return length == 0 ? .done : .fixedLength(remaining: length)
        }
        return .untilClose
    }

    private static func chunkSize(_ line: [UInt8]) throws -> Int {
        var text = String(decoding: line, as: UTF8.self)
        if text.hasSuffix("\r") { text.removeLast() }
        // Chunk extensions (";name=value") are allowed and ignored.
        let digits = text.split(separator: ";", maxSplits: 1).first.map { $0.trimmingSpaces() } ?? ""
        guard let size = Int(digits, radix: 16), size >= 0 else { throw HTTPParseError.malformedChunkSize(text) }
        return size
    }
}
