import Foundation
import XCTest
@testable import Crest

final class FormattingTests: XCTestCase {
    func testNumberFormatting() {
        XCTAssertEqual(NumberFormatting.fixed(1.23456, places: 3), "1.235")
        XCTAssertEqual(NumberFormatting.fixed(-0.0001, places: 2), "0.00")
        XCTAssertEqual(NumberFormatting.fixed(.nan, places: 2), "")
        XCTAssertEqual(NumberFormatting.significant(0.000123456), "0.000123456")
        XCTAssertEqual(NumberFormatting.significant(1234.5678), "1234.57")
        XCTAssertEqual(NumberFormatting.significant(20), "20")
        XCTAssertEqual(NumberFormatting.duration(seconds: 0.85), "850 ms")
        XCTAssertEqual(NumberFormatting.duration(seconds: 2.031), "2.03 s")
        XCTAssertEqual(NumberFormatting.duration(seconds: 125), "2 min 5 s")
    }

    func testJSONQuotingRoundTrips() throws {
        let tricky = "quote \" backslash \\ newline \n tab \t bell \u{07} unicode é ☃"
        let parsed = try JSONSerialization.jsonObject(with: Data("[\(JSONText.quoted(tricky))]".utf8)) as! [String]
        XCTAssertEqual(parsed, [tricky])
    }

    func testDurationParsing() {
        XCTAssertEqual(DurationParsing.seconds("250ms"), 0.25)
        XCTAssertEqual(DurationParsing.seconds("90s"), 90)
        XCTAssertEqual(DurationParsing.seconds("2m"), 120)
        XCTAssertEqual(DurationParsing.seconds("2min"), 120)
        XCTAssertEqual(DurationParsing.seconds("1.5h"), 5400)
        XCTAssertEqual(DurationParsing.seconds("45"), 45)
        XCTAssertNil(DurationParsing.seconds("-3s"))
        XCTAssertNil(DurationParsing.seconds("soon"))
        // Swift's Double(_:) reads these; a person typing a timeout means none of them.
        for text in ["0x10s", "1e3s", "infs", "nan", "1.2.3s", ".s"] { XCTAssertNil(DurationParsing.seconds(text), text) }
        XCTAssertEqual(DurationParsing.seconds(".5s"), 0.5)
    }
}
