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
    // Buffers live outside the state enum: an array inside an enum payload is copied on every
    // byte appended to it.
    private enum State {
        case head
        case fixedLength(remaining: Int)
        case chunkSize
        /// After a chunk size's ';': extensions, ignored to the end of the line.
        case chunkExtension
        case chunkData(remaining: Int)
        case chunkDataEnd(seenCarriageReturn: Bool)
        case trailer
        case untilClose
        case done
    }

    private var state = State.head
    private var headBlock = HTTPHeaderBlock()
    private var chunkSize = 0
    private var chunkSizeDigits = 0
    private var trailerLineLength = 0

    public init() {}

    /// True once the whole response has been seen.
    public var isDone: Bool { if case .done = state { return true } else { return false } }

    /// Readies the parser for the next response on a kept-alive connection.
    public mutating func reset() { self = HTTPResponseParser() }

    /// Parses `input`, calling `head` once, `body` for each piece of body, and `end` when the
    /// response is complete. Bytes after the end are left alone; returns how many were used.
    @discardableResult
    public mutating func parse(
        _ input: UnsafeBufferPointer<UInt8>, head: (HTTPResponseHead) -> Void, body: (UnsafeBufferPointer<UInt8>) -> Void,
        end: () -> Void
    ) throws -> Int {
        var index = 0
        while index < input.count {
            switch state {
            case .head:
                let (consumed, isComplete) = try headBlock.append(UnsafeBufferPointer(rebasing: input[index...]))
                index += consumed
                guard isComplete else { return index }
                let parsed = try Self.responseHead(headBlock)
                head(parsed)
                state = try Self.bodyState(for: parsed)
                if case .done = state { end(); return index }
            case .fixedLength(let remaining):
                let take = min(remaining, input.count - index)
                body(UnsafeBufferPointer(rebasing: input[index..<(index + take)]))
                index += take
                if remaining == take {
                    state = .done
                    end()
                    return index
                }
                state = .fixedLength(remaining: remaining - take)
            case .chunkSize:
                let byte = input[index]
                index += 1
                try readChunkSize(byte)
            case .chunkExtension:
                let byte = input[index]
                index += 1
                if byte == 10 { try endChunkSize() }
            case .chunkData(let remaining):
                let take = min(remaining, input.count - index)
                body(UnsafeBufferPointer(rebasing: input[index..<(index + take)]))
                index += take
                state = remaining == take ? .chunkDataEnd(seenCarriageReturn: false) : .chunkData(remaining: remaining - take)
            case .chunkDataEnd(let seenCarriageReturn):
                let byte = input[index]
                index += 1
                if byte == 10 {
                    state = .chunkSize
                } else if byte == 13 && !seenCarriageReturn {
                    state = .chunkDataEnd(seenCarriageReturn: true)
                } else {
                    throw HTTPParseError.malformedChunkEnd
                }
            case .trailer:
                let byte = input[index]
                index += 1
                if byte == 10 {
                    if trailerLineLength == 0 {
                        state = .done
                        end()
                        return index
                    }
                    trailerLineLength = 0
                } else if byte != 13 {
                    trailerLineLength += 1
                }
            case .untilClose:
                body(UnsafeBufferPointer(rebasing: input[index...]))
                index = input.count
            case .done:
                return index
            }
        }
        return index
    }

    /// Reads one byte of a chunk-size line: hex digits, then optional extensions, then CRLF.
    private mutating func readChunkSize(_ byte: UInt8) throws {
        let digit: Int
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = Int(byte - UInt8(ascii: "A")) + 10
        case UInt8(ascii: ";"): state = .chunkExtension; return
        case 13, 32, 9: return
        case 10: return try endChunkSize()
        default: throw HTTPParseError.malformedChunkSize(String(UnicodeScalar(byte)))
        }
        chunkSizeDigits += 1
        guard chunkSizeDigits <= 15 else { throw HTTPParseError.malformedChunkSize("too many digits") }
        chunkSize = chunkSize * 16 + digit
    }

    private mutating func endChunkSize() throws {
        guard chunkSizeDigits > 0 else { throw HTTPParseError.malformedChunkSize("no digits") }
        state = chunkSize == 0 ? .trailer : .chunkData(remaining: chunkSize)
        chunkSize = 0
        chunkSizeDigits = 0
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

    /// How the body is framed. A Content-Length that is not a whole number of bytes (negative,
    /// past an Int, not a number) frames nothing: the response is malformed, as RFC 9112 says.
    private static func bodyState(for head: HTTPResponseHead) throws -> State {
        if head.status == 204 || head.status == 304 || (100..<200).contains(head.status) { return .done }
        if head.fields["transfer-encoding"]?.lowercased().contains("chunked") == true { return .chunkSize }
        if let field = head.fields["content-length"] {
            guard let length = Int(field), length >= 0 else {
                throw HTTPParseError.malformedHeader("content-length '\(field.prefix(40))'")
            }
            return length == 0 ? .done : .fixedLength(remaining: length)
        }
        return .untilClose
    }
}
