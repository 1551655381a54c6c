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
}
