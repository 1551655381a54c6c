import XCTest
@testable import Crest

final class PricingTests: XCTestCase {
    // The reference report: 1623 prompt and 61 completion tokens at $0.0008 and $0.0024 per 1k
    // cost $0.001445 a transaction.
    func testTokenPricingReproducesTheReferenceReport() {
        let run = LevelRunFixtures.run(concurrency: 1, latencies: Array(repeating: 2.03, count: 10), spacing: 2.03, completionTokens: 61)
        let summary = LevelSummary(run, confidence: 0.95)
        let pricing = Pricing.perToken(usdPer1kInput: 0.0008, usdPer1kOutput: 0.0024)
        // The fixture's prompts have 1000 tokens.
        XCTAssertEqual(pricing.pricePerTransaction(summary)!, 1.0 * 0.0008 + 0.061 * 0.0024, accuracy: 1e-12)
        XCTAssertEqual(Pricing.perToken(usdPer1kInput: 0.0008, usdPer1kOutput: 0.0024).cost(seconds: 99, promptTokens: 1623, completionTokens: 61), 0.0014448, accuracy: 1e-10)
        XCTAssertEqual(pricing.reportText, "[{'input-per-1k-tokens': 0.0008}, {'output-per-1k-tokens': 0.0024}]")
    }

    func testHourlyPricingSpreadsTheFleetOverTransactions() {
        let run = LevelRunFixtures.run(concurrency: 1, latencies: Array(repeating: 1, count: 60), spacing: 1)
        let summary = LevelSummary(run, confidence: 0.95)  // 60 transactions per minute
        let pricing = Pricing.hourly(usdPerHour: 7.2, instances: 2)
        XCTAssertEqual(pricing.pricePerTransaction(summary)!, 7.2 * 2 / 60 / 60, accuracy: 1e-12)
        XCTAssertEqual(pricing.cost(seconds: 1800, promptTokens: 0, completionTokens: 0), 7.2, accuracy: 1e-12)
        XCTAssertEqual(pricing.summary, "$7.2/hour × 2 instances")
    }

    func testPricingEncodesWithSnakeCaseKeys() throws {
        let data = try JSONEncoder().encode(Pricing.hourly(usdPerHour: 4.1, instances: 1))
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        XCTAssertEqual(object["kind"] as? String, "hourly")
        XCTAssertEqual(object["usd_per_hour"] as? Double, 4.1)
        XCTAssertEqual(try JSONDecoder().decode(Pricing.self, from: data), .hourly(usdPerHour: 4.1, instances: 1))
        let token = Pricing.perToken(usdPer1kInput: 0.001, usdPer1kOutput: 0.002)
        XCTAssertEqual(try JSONDecoder().decode(Pricing.self, from: JSONEncoder().encode(token)), token)
    }
}

import Foundation
import CrestTestSupport
