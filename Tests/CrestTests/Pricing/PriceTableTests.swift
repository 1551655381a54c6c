import Foundation
import XCTest

@testable import Crest

/// The shipped price table: the prices the reference report used, instance prices by type, Bedrock
/// model ids in their forms, and a broken file named in its error.
final class PriceTableTests: XCTestCase {
    private func shipped() throws -> PriceTable {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try PriceTable.load(path: root.appendingPathComponent("datasets/\(PriceTable.fileName)").path)
    }

    // The reference report priced Claude Instant at $0.0008 and $0.0024 per 1,000 tokens: with its
    // 1,623 prompt and 61 completion tokens a request, $0.001445 a transaction.
    func testClaudeInstantCostsWhatTheReferenceReportSays() throws {
        let table = try shipped()
        let price = try XCTUnwrap(table.price(model: "anthropic.claude-instant-v1"))
        XCTAssertEqual(price, .perToken(usdPer1kInput: 0.0008, usdPer1kOutput: 0.0024))
        XCTAssertEqual(1.623 * 0.0008 + 0.061 * 0.0024, 0.0014448, accuracy: 1e-7)
        XCTAssertEqual(table.region, "us-east-1")
        XCTAssertEqual(table.origin, "Crest's price table, us-east-1 list prices as of 2025-01-26")
    }

    func testInstancesAndModelIdsInTheirForms() throws {
        let table = try shipped()
        XCTAssertEqual(table.price(instance: "ml.g5.12xlarge"), .hourly(usdPerHour: 7.09, instances: 1))
        XCTAssertEqual(table.price(instance: "g6e.2xlarge", instances: 2), .hourly(usdPerHour: 2.242, instances: 2))
        XCTAssertNil(table.price(instance: "ml.g5.13xlarge"))
        // The families are all there.
        for family in ["ml.g5.", "ml.g6.", "g6e.", "ml.p4d.", "ml.p5.", "ml.inf2.", "ml.trn1.", "p5.", "inf2.", "trn1."] {
            XCTAssertTrue(table.hourly.keys.contains { $0.hasPrefix(family) }, family)
        }
        let haiku = PriceTable.TokenPrices(input: 0.00025, output: 0.00125)
        for id in ["anthropic.claude-3-haiku-20240307-v1:0", "us.anthropic.claude-3-haiku-20240307-v1:0",
                   "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"] {
            XCTAssertEqual(table.price(model: id), .perToken(usdPer1kInput: haiku.input, usdPer1kOutput: haiku.output), id)
        }
        XCTAssertNil(table.price(model: "acme.unknown-model-v1"))
    }

    func testABrokenTableIsNamed() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pricing-\(UUID().uuidString).json").path
        try Data("{\"as_of\": 3}".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertThrowsError(try PriceTable.load(path: path)) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(path): not a price table"), "\(error)")
        }
        XCTAssertEqual((try? PriceTable.load(path: path + ".missing")) == nil, true)
    }
}
