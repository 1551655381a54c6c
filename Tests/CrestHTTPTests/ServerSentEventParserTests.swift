import XCTest
@testable import CrestHTTP

final class ServerSentEventParserTests: XCTestCase {
    private func events(_ text: String, split: Int) -> [(name: String?, data: String)] {
        var parser = ServerSentEventParser()
        var found: [(String?, String)] = []
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            Array(bytes[offset..<min(offset + split, bytes.count)]).withUnsafeBufferPointer {
                parser.parse($0) { found.append(($0.name.map { String(decoding: $0, as: UTF8.self) }, String(decoding: $0.data, as: UTF8.self))) }
            }
            offset += split
        }
        return found
    }

    func testEventsInAnySplitWithEveryLineEnding() {
        let stream = "data: {\"a\":1}\n\ndata:{\"b\":2}\r\n\r\n: keep-alive comment\n\nevent: error\ndata: first\ndata: second\r\r"
        for split in [1, 2, 5, 1000] {
            let found = events(stream, split: split)
            XCTAssertEqual(found.map(\.data), ["{\"a\":1}", "{\"b\":2}", "first\nsecond"], "split \(split)")
            XCTAssertEqual(found.map(\.name), [nil, nil, "error"])
        }
    }

    func testAnEventIsNotDeliveredBeforeItsBlankLine() {
        XCTAssertTrue(events("data: [DONE]\n", split: 100).isEmpty)
        XCTAssertEqual(events("data: [DONE]\n\n", split: 100).map(\.data), ["[DONE]"])
    }

    func testIdAndRetryFieldsAreIgnored() {
        XCTAssertEqual(events("id: 7\nretry: 100\ndata: x\n\n", split: 3).map(\.data), ["x"])
    }

    private func parsed(_ text: String, maximumEventBytes: Int = 1 << 20) -> ServerSentEventParser {
        var parser = ServerSentEventParser(maximumEventBytes: maximumEventBytes)
        Array(text.utf8).withUnsafeBufferPointer { parser.parse($0) { _ in } }
        return parser
    }

    /// An HTML page or a JSON body sent instead of a stream: lines of no field of the format.
    func testLinesOfNoFieldAreCountedAsStray() {
        XCTAssertEqual(parsed("data: x\nid: 1\nretry: 5\nevent: e\n: comment\n\n").strayLines, 0)
        XCTAssertEqual(parsed("<html>\n<body>hi</body>\n</html>\n").strayLines, 3)
        XCTAssertEqual(parsed("{\"error\": \"x\"}\n").strayLines, 1)
        XCTAssertTrue(parsed("<html><body>no line end</body></html>").endsInStrayLine)
        XCTAssertFalse(parsed("data: [DONE]").endsInStrayLine, "an unfinished data line is a field")
    }

    /// A line that never ends once grew without bound.
    func testAnEventPastTheLimitOverflowsAndKeepsNothing() {
        let long = parsed("data: " + String(repeating: "a", count: 5000), maximumEventBytes: 4096)
        XCTAssertTrue(long.hasOverflowed)
        var parser = ServerSentEventParser(maximumEventBytes: 4096)
        var delivered = 0
        for _ in 0..<10 {
            Array("data: \(String(repeating: "b", count: 1000))\n".utf8).withUnsafeBufferPointer { parser.parse($0) { _ in delivered += 1 } }
        }
        XCTAssertTrue(parser.hasOverflowed, "data lines of one event add up")
        XCTAssertEqual(delivered, 0)
        XCTAssertFalse(parsed("data: " + String(repeating: "a", count: 4000) + "\n\n", maximumEventBytes: 4096).hasOverflowed)
    }
}
