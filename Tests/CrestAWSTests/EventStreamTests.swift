import XCTest

@testable import CrestAWS

/// The AWS event-stream framing: the SDK's frames decoded and re-encoded byte for byte, frames
/// split anywhere across reads, every header type, and corrupt or cut frames refused with a
/// reason (the request is then `malformed`), never a crash.
final class EventStreamTests: XCTestCase {
    func testEveryVectorFrameDecodesAndEncodesByteForByte() throws {
        let frames = try AWSVectors.load().event_stream_frames
        XCTAssertEqual(frames.count, 6)
        for frame in frames {
            var decoder = EventStreamDecoder()
            let messages = try decoder.feed(frame.bytes)
            XCTAssertEqual(messages.count, 1, frame.name)
            let message = try XCTUnwrap(messages.first)
            XCTAssertEqual(String(decoding: message.payload, as: UTF8.self), frame.payload, frame.name)
            XCTAssertEqual(Dictionary(uniqueKeysWithValues: message.headers.map { ($0.name, $0.value.string ?? "") }), frame.headers, frame.name)
            XCTAssertEqual(EventStreamEncoder.encode(message), frame.bytes, frame.name)
            XCTAssertEqual(decoder.bytesWaiting, 0)
        }
        let throttle = try XCTUnwrap(frames.first { $0.name == "bedrock-throttling-exception" })
        var decoder = EventStreamDecoder()
        let message = try XCTUnwrap(try decoder.feed(throttle.bytes).first)
        XCTAssertEqual(message.messageType, "exception")
        XCTAssertEqual(message.exceptionType, "throttlingException")
    }

    // The frames `crest serve` writes are AWS's own: built by `event` and `exception`, every
    // vector comes out byte for byte.
    func testEventsAndExceptionsAreBuiltAsAWSBuildsThem() throws {
        for frame in try AWSVectors.load().event_stream_frames {
            let payload = Array(frame.payload.utf8)
            let built: EventStreamMessage
            if let exception = frame.headers[":exception-type"] {
                built = .exception(exception, payload: payload)
            } else {
                built = .event(try XCTUnwrap(frame.headers[":event-type"]), contentType: try XCTUnwrap(frame.headers[":content-type"]), payload: payload)
            }
            XCTAssertEqual(EventStreamEncoder.encode(built), frame.bytes, frame.name)
        }
    }

    // Reads split frames anywhere: byte by byte, all frames at once.
    func testFramesSplitAcrossReadsComeOutWholeAndInOrder() throws {
        let frames = try AWSVectors.load().event_stream_frames
        let stream = frames.flatMap(\.bytes)
        var decoder = EventStreamDecoder()
        var names: [String] = []
        for byte in stream {
            names += try decoder.feed([byte]).map { $0.eventType ?? $0.exceptionType ?? "?" }
        }
        XCTAssertEqual(names, ["messageStart", "contentBlockDelta", "messageStop", "metadata", "PayloadPart", "throttlingException"])
        var whole = EventStreamDecoder()
        XCTAssertEqual(try whole.feed(stream).count, 6)
        XCTAssertNoThrow(try whole.finish())
    }

    func testEveryHeaderTypeRoundTrips() throws {
        let message = EventStreamMessage(
            headers: [
                (name: "t", value: .bool(true)), (name: "f", value: .bool(false)), (name: "b", value: .byte(-3)),
                (name: "s", value: .short(-300)), (name: "i", value: .integer(-70_000)), (name: "l", value: .long(-5_000_000_000)),
                (name: "by", value: .bytes([0, 1, 255])), (name: "st", value: .string("héllo")),
                (name: "ts", value: .timestamp(1_795_869_045_000)), (name: "u", value: .uuid(Array(0..<16))),
            ],
            payload: Array("{}".utf8))
        var decoder = EventStreamDecoder()
        XCTAssertEqual(try decoder.feed(EventStreamEncoder.encode(message)), [message])
    }

    func testCorruptFramesAreRefusedWithTheirReason() throws {
        let frame = try XCTUnwrap(try AWSVectors.load().event_stream_frames.first).bytes
        func decode(_ bytes: [UInt8]) -> EventStreamError? {
            var decoder = EventStreamDecoder()
            do {
                _ = try decoder.feed(bytes)
                try decoder.finish()
                return nil
            } catch {
                return error
            }
        }
        var prelude = frame
        prelude[2] ^= 0x01
        XCTAssertEqual(decode(prelude), .preludeChecksumMismatch)
        var payload = frame
        payload[frame.count - 6] ^= 0x20
        XCTAssertEqual(decode(payload), .messageChecksumMismatch)
        XCTAssertEqual(decode(Array(frame.dropLast(5))), .truncated(bytesLeft: frame.count - 5))
        // A length no frame can have: over the cap, or headers longer than the frame.
        var huge = EventStreamEncoder.encode(EventStreamMessage(headers: [], payload: []))
        huge[0] = 0x7f
        XCTAssertEqual(decode(huge), .lengthOutOfRange(total: Int(UInt32(0x7f00_0010)), headers: 0))
        // A header whose value claims more bytes than the block holds, with valid checksums.
        let bad = Self.frame(headerBlock: [1, UInt8(ascii: "x"), 7, 0, 50, UInt8(ascii: "y")])
        XCTAssertEqual(decode(bad), .headerRunsPastItsBlock)
        XCTAssertEqual(decode(Self.frame(headerBlock: [1, UInt8(ascii: "x"), 12])), .unknownHeaderType(12))
    }

    /// A frame with checksums right around any header block (for headers no encoder would write).
    private static func frame(headerBlock: [UInt8]) -> [UInt8] {
        func bigEndian(_ value: Int) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) } }
        var bytes = bigEndian(16 + headerBlock.count) + bigEndian(headerBlock.count)
        bytes += bigEndian(Int(CRC32.checksum(bytes)))
        bytes += headerBlock
        bytes += bigEndian(Int(CRC32.checksum(bytes)))
        return bytes
    }
}
