import XCTest
@testable import Crest

final class TokenEstimatorTests: XCTestCase {
    func testCountsWordsPunctuationAndDigits() {
        XCTAssertEqual(TokenEstimator.estimate(""), 0)
        XCTAssertEqual(TokenEstimator.estimate("Hello, world!"), 4)
        XCTAssertEqual(TokenEstimator.estimate("The year 1984 was long."), 7, "1984 is two tokens")
        XCTAssertEqual(TokenEstimator.estimate("1234567"), 3, "digits go in threes")
        XCTAssertEqual(TokenEstimator.estimate("internationalisation"), 4, "long words split")
        XCTAssertEqual(TokenEstimator.estimate("日本語"), 3)
    }

    // FMBench's fallback assumes 4/3 tokens per word; the estimator lands near it on prose.
    func testProseComesOutNearFourThirdsTokensPerWord() {
        var generator = SyntheticText(seed: 11)
        let text = generator.prompt(targetTokens: 3000)
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).count
        let ratio = Double(TokenEstimator.estimate(text)) / Double(words)
        XCTAssertGreaterThan(ratio, 1.1)
        XCTAssertLessThan(ratio, 1.45)
    }
}
