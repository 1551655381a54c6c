import Foundation
import XCTest
@testable import Crest

final class SampleTests: XCTestCase {
    private let sample = Sample(
        level: 4, client: 2, seq: 7, promptIndex: 11, sentAt: 1_000_000_000, firstTokenAt: 1_250_000_000,
        finishedAt: 3_250_000_000, promptTokens: 1500, completionTokens: 101, tokensSource: .server, outcome: .ok, phase: .measured)

    func testDerivedMetrics() {
        XCTAssertEqual(sample.latencySeconds, 2.25, accuracy: 1e-12)
        XCTAssertEqual(sample.ttftSeconds!, 0.25, accuracy: 1e-12)
        XCTAssertEqual(sample.tpotSeconds!, 0.02, accuracy: 1e-12, "(3.25 − 1.25) s over 100 tokens after the first")
    }

    func testTPOTNeedsASuccessWithTwoTokens() {
        let single = Sample(
            level: 1, client: 0, seq: 0, promptIndex: 0, sentAt: 0, firstTokenAt: 5, finishedAt: 9, promptTokens: 1,
            completionTokens: 1, tokensSource: .server, outcome: .ok, phase: .measured)
        XCTAssertNil(single.tpotSeconds)
        XCTAssertNil(sample.withOutcome(.http5xx).tpotSeconds)
    }

    func testJSONLineHasTheDocumentedKeysAndRoundTrips() throws {
        let line = sample.jsonLine(step: 3)
        XCTAssertEqual(line, #"{"step":3,"level":4,"client":2,"seq":7,"prompt_index":11,"sent_ns":1000000000,"first_token_ns":1250000000,"finished_ns":3250000000,"prompt_tokens":1500,"completion_tokens":101,"tokens_source":"server","outcome":"ok","phase":"measured"}"# + "\n")
        XCTAssertEqual(try Sample(jsonLine: line), sample)
        let failed = sample.withOutcome(.timeout)
        XCTAssertTrue(failed.jsonLine(step: 1).contains(#""first_token_ns":null"#))
        XCTAssertEqual(try Sample(jsonLine: failed.jsonLine(step: 1)), failed)
    }
}

extension Sample {
    /// The same request with another outcome and no first token.
    func withOutcome(_ outcome: Outcome) -> Sample {
        Sample(
            level: level, client: client, seq: seq, promptIndex: promptIndex, sentAt: sentAt, firstTokenAt: nil,
            finishedAt: finishedAt, promptTokens: promptTokens, completionTokens: 0, tokensSource: .estimate, outcome: outcome,
            phase: phase)
    }
}
