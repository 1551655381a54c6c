import XCTest
@testable import CrestHTTP

final class HTTPResponseParserTests: XCTestCase {
    /// Feeds `text` in pieces of `split` bytes; returns the status, the body and whether it ended.
    private func parse(_ text: String, split: Int) throws -> (status: Int?, body: String, ended: Bool, used: Int) {
        var parser = HTTPResponseParser()
        let bytes = Array(text.utf8)
        var status: Int?
        var body: [UInt8] = []
        var ended = false
        var used = 0
        var offset = 0
        while offset < bytes.count, !ended {
            let piece = Array(bytes[offset..<min(offset + split, bytes.count)])
            used += try piece.withUnsafeBufferPointer {
                try parser.parse($0, head: { status = $0.status }, body: { body.append(contentsOf: $0) }, end: { ended = true })
            }
            offset += split
        }
        return (status, String(decoding: body, as: UTF8.self), ended, used)
    }

    func testContentLengthBodyInAnySplit() throws {
        let response = "HTTP/1.1 200 OK\r\nContent-Length: 11\r\nContent-Type: application/json\r\n\r\nhello world"
        for split in [1, 2, 7, 1000] {
            let result = try parse(response, split: split)
            XCTAssertEqual(result.status, 200)
            XCTAssertEqual(result.body, "hello world", "split \(split)")
            XCTAssertTrue(result.ended)
        }
    }

    func testChunkedBodyWithExtensionsAndTrailers() throws {
        let response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=x\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n"
        for split in [1, 3, 1000] {
            let result = try parse(response, split: split)
            XCTAssertEqual(result.body, "hello world", "split \(split)")
            XCTAssertTrue(result.ended)
            XCTAssertEqual(result.used, response.utf8.count)
        }
    }

    func testStopsAtTheEndOfAResponseAndLeavesTheRest() throws {
        let first = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
        let result = try parse(first + "HTTP/1.1 500 Oops\r\n", split: 1000)
        XCTAssertEqual(result.used, first.utf8.count)
        XCTAssertEqual(result.body, "ok")
    }

    func testCloseDelimitedBodyEndsWhenTheConnectionCloses() throws {
        var parser = HTTPResponseParser()
        var body: [UInt8] = []
        var ended = false
        try Array("HTTP/1.0 200 OK\r\n\r\npartial".utf8).withUnsafeBufferPointer {
            _ = try parser.parse($0, head: { _ in }, body: { body.append(contentsOf: $0) }, end: { ended = true })
        }
        XCTAssertFalse(ended)
        try parser.connectionClosed { ended = true }
        XCTAssertTrue(ended)
        XCTAssertEqual(String(decoding: body, as: UTF8.self), "partial")
    }

    func testAConnectionClosingInsideAChunkedBodyIsTruncation() throws {
        var parser = HTTPResponseParser()
        try Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel".utf8).withUnsafeBufferPointer {
            _ = try parser.parse($0, head: { _ in }, body: { _ in }, end: {})
        }
        XCTAssertThrowsError(try parser.connectionClosed {}) { XCTAssertEqual($0 as? HTTPParseError, .truncated) }
    }

    func testMalformedInputIsAnError() {
        XCTAssertThrowsError(try parse("SMTP ready\r\n\r\n", split: 100))
        XCTAssertThrowsError(try parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", split: 100))
        XCTAssertThrowsError(try parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX", split: 100))
    }

    /// Found by WireFuzzTests: a negative Content-Length made the body's range run backwards and
    /// trapped the client. A length that is not a whole number of bytes frames nothing.
    func testAContentLengthThatIsNoLengthIsAnErrorNotACrash() {
        for length in ["-1", "-9223372036854775808", "99999999999999999999", "ten", ""] {
            XCTAssertThrowsError(try parse("HTTP/1.1 200 OK\r\nContent-Length: \(length)\r\n\r\nbody", split: 3), length)
        }
        XCTAssertNoThrow(try parse("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody", split: 3))
    }

    func testHeadFieldsAreReadCaseInsensitively() throws {
        var parser = HTTPResponseParser()
        var head: HTTPResponseHead?
        try Array("HTTP/1.1 429 Too Many\r\nRetry-After: 2\r\nCONNECTION: close\r\nContent-Length: 0\r\n\r\n".utf8).withUnsafeBufferPointer {
            _ = try parser.parse($0, head: { head = $0 }, body: { _ in }, end: {})
        }
        XCTAssertEqual(head?.status, 429)
        XCTAssertEqual(head?.retryAfterSeconds, 2)
        XCTAssertEqual(head?.closesConnection, true)
        XCTAssertTrue(parser.isDone)
    }
}
