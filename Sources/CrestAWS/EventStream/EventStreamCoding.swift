/// Why a frame could not be read. A stream that carries one is broken past repair (the framing
/// has no way to find the next message), and the request counts as `malformed`.
public enum EventStreamError: Error, Equatable, CustomStringConvertible {
    case lengthOutOfRange(total: Int, headers: Int)
    case preludeChecksumMismatch
    case messageChecksumMismatch
    case headerRunsPastItsBlock
    case unknownHeaderType(UInt8)
    case headerStringNotUTF8
    /// The stream ended inside a frame.
    case truncated(bytesLeft: Int)

    public var description: String {
        switch self {
        case .lengthOutOfRange(let total, let headers): return "event-stream frame of \(total) bytes with \(headers) bytes of headers is out of range"
        case .preludeChecksumMismatch: return "event-stream frame's prelude CRC32 does not match"
        case .messageChecksumMismatch: return "event-stream frame's message CRC32 does not match"
        case .headerRunsPastItsBlock: return "event-stream header runs past the frame's header block"
        case .unknownHeaderType(let type): return "event-stream header of unknown type \(type)"
        case .headerStringNotUTF8: return "event-stream header name or string is not UTF-8"
        case .truncated(let left): return "event stream ended inside a frame (\(left) bytes of it read)"
        }
    }
}

/// Reads frames from bytes as they arrive: 4 bytes of total length and 4 of header length (big
/// endian), the CRC32 of those 8, the headers, the payload, and the CRC32 of all before it.
public struct EventStreamDecoder: Sendable {
    /// The largest frame accepted: AWS caps a payload at 16 MiB and headers at 128 KiB.
    public static let maximumFrameBytes = 16 * 1_048_576 + 128 * 1_024 + 16

    private var buffer: [UInt8] = []
    private var start = 0

    public init() {}

    /// Bytes received but not yet a whole frame: a stream that ends with some is truncated.
    public var bytesWaiting: Int { buffer.count - start }

    /// The messages the new bytes complete, in order.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) throws(EventStreamError) -> [EventStreamMessage] where Bytes.Element == UInt8 {
        buffer.append(contentsOf: bytes)
        var messages: [EventStreamMessage] = []
        while buffer.count - start >= 12 {
            let total = Int(readUInt32(at: start))
            let headerLength = Int(readUInt32(at: start + 4))
            guard total >= 16, total <= Self.maximumFrameBytes, headerLength <= total - 16 else {
                throw .lengthOutOfRange(total: total, headers: headerLength)
            }
            guard CRC32.checksum(buffer[start..<start + 8]) == readUInt32(at: start + 8) else { throw .preludeChecksumMismatch }
            guard buffer.count - start >= total else { break }
            let end = start + total
            guard CRC32.checksum(buffer[start..<end - 4]) == readUInt32(at: end - 4) else { throw .messageChecksumMismatch }
            let headers = try Self.headers(buffer[start + 12..<start + 12 + headerLength])
            messages.append(EventStreamMessage(headers: headers, payload: Array(buffer[start + 12 + headerLength..<end - 4])))
            start = end
        }
        // Keep the buffer from growing without bound over a long stream.
        if start > 65_536 || start == buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
        return messages
    }

    /// Throws `truncated` when the stream ended inside a frame.
    public func finish() throws(EventStreamError) {
        if bytesWaiting > 0 { throw .truncated(bytesLeft: bytesWaiting) }
    }

    private func readUInt32(at index: Int) -> UInt32 {
        UInt32(buffer[index]) << 24 | UInt32(buffer[index + 1]) << 16 | UInt32(buffer[index + 2]) << 8 | UInt32(buffer[index + 3])
    }

    static func headers(_ block: ArraySlice<UInt8>) throws(EventStreamError) -> [(name: String, value: EventStreamHeaderValue)] {
        var headers: [(name: String, value: EventStreamHeaderValue)] = []
        var index = block.startIndex
        func take(_ count: Int) throws(EventStreamError) -> ArraySlice<UInt8> {
            guard count >= 0, block.endIndex - index >= count else { throw .headerRunsPastItsBlock }
            defer { index += count }
            return block[index..<index + count]
        }
        func integer(_ count: Int) throws(EventStreamError) -> UInt64 {
            try take(count).reduce(0) { $0 << 8 | UInt64($1) }
        }
        func text(_ bytes: ArraySlice<UInt8>) throws(EventStreamError) -> String {
            guard let text = String(validating: bytes, as: UTF8.self) else { throw .headerStringNotUTF8 }
            return text
        }
        while index < block.endIndex {
            let name = try text(try take(Int(try integer(1))))
            let type = try integer(1)
            let value: EventStreamHeaderValue
            switch type {
            case 0: value = .bool(true)
            case 1: value = .bool(false)
            case 2: value = .byte(Int8(truncatingIfNeeded: try integer(1)))
            case 3: value = .short(Int16(truncatingIfNeeded: try integer(2)))
            case 4: value = .integer(Int32(truncatingIfNeeded: try integer(4)))
            case 5: value = .long(Int64(bitPattern: try integer(8)))
            case 6: value = .bytes(Array(try take(Int(try integer(2)))))
            case 7: value = .string(try text(try take(Int(try integer(2)))))
            case 8: value = .timestamp(Int64(bitPattern: try integer(8)))
            case 9: value = .uuid(Array(try take(16)))
            default: throw .unknownHeaderType(UInt8(type))
            }
            headers.append((name: name, value: value))
        }
        return headers
    }
}

/// Writes frames: what `crest serve --api bedrock|sagemaker` streams, and what tests decode.
public enum EventStreamEncoder {
    public static func encode(_ message: EventStreamMessage) -> [UInt8] {
        var headers: [UInt8] = []
        func append(_ value: UInt64, bytes: Int) {
            for shift in stride(from: 8 * (bytes - 1), through: 0, by: -8) { headers.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
        }
        for header in message.headers {
            let name = Array(header.name.utf8)
            headers.append(UInt8(name.count))
            headers += name
            switch header.value {
            case .bool(let flag): headers.append(flag ? 0 : 1)
            case .byte(let value): headers.append(2); append(UInt64(UInt8(bitPattern: value)), bytes: 1)
            case .short(let value): headers.append(3); append(UInt64(UInt16(bitPattern: value)), bytes: 2)
            case .integer(let value): headers.append(4); append(UInt64(UInt32(bitPattern: value)), bytes: 4)
            case .long(let value): headers.append(5); append(UInt64(bitPattern: value), bytes: 8)
            case .bytes(let bytes): headers.append(6); append(UInt64(bytes.count), bytes: 2); headers += bytes
            case .string(let text):
                let bytes = Array(text.utf8)
                headers.append(7); append(UInt64(bytes.count), bytes: 2); headers += bytes
            case .timestamp(let milliseconds): headers.append(8); append(UInt64(bitPattern: milliseconds), bytes: 8)
            case .uuid(let bytes): headers.append(9); headers += bytes.prefix(16)
            }
        }
        let total = 16 + headers.count + message.payload.count
        var frame: [UInt8] = []
        frame.reserveCapacity(total)
        for value in [UInt32(total), UInt32(headers.count)] { frame += bigEndian(value) }
        frame += bigEndian(CRC32.checksum(frame))
        frame += headers
        frame += message.payload
        frame += bigEndian(CRC32.checksum(frame))
        return frame
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> UInt32($0)) }
    }
}
