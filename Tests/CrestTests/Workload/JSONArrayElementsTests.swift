import XCTest
@testable import Crest

/// Splitting a JSON array into its elements without parsing it whole.
final class JSONArrayElementsTests: XCTestCase {
    private func split(_ text: String) throws -> [(String, Int)] {
        try JSONArrayElements.split(Array(text.utf8)).map { (String(decoding: $0.bytes, as: UTF8.self), $0.line) }
    }

    func testSplitsTopLevelElementsOnly() throws {
        let elements = try split("""
              [ {"a": [1, 2], "b": "x,]}"} ,
            "text with \\" and , ]",
            42, [3, {"c": null}],
              true ]
            """)
        XCTAssertEqual(elements.map(\.0), [#"{"a": [1, 2], "b": "x,]}"}"#, #""text with \" and , ]""#, "42", #"[3, {"c": null}]"#, "true"])
        XCTAssertEqual(elements.map(\.1), [1, 2, 3, 3, 4])
    }

    func testAnEmptyArrayHasNoElements() throws {
        XCTAssertTrue(try split(" [ \n ] \n").isEmpty)
    }

    func testMalformedArraysSayWhere() {
        XCTAssertThrowsError(try split("{\"a\": 1}")) { XCTAssertEqual($0 as? JSONArrayElements.ScanError, .notAnArray(line: 1)) }
        XCTAssertThrowsError(try split("[1,\n2")) { XCTAssertEqual($0 as? JSONArrayElements.ScanError, .unterminated(line: 2)) }
        XCTAssertThrowsError(try split("[1]\n\nx")) { XCTAssertEqual($0 as? JSONArrayElements.ScanError, .trailingText(line: 3)) }
        XCTAssertThrowsError(try split("[\"open string]")) { XCTAssertEqual($0 as? JSONArrayElements.ScanError, .unterminated(line: 1)) }
        XCTAssertThrowsError(try split("[1,\n {\"a\": [}\n]")) { XCTAssertEqual($0 as? JSONArrayElements.ScanError, .malformedElement(line: 2)) }
    }
}
