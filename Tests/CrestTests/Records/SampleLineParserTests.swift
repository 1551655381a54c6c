import XCTest
@testable import Crest

final class SampleLineParserTests: XCTestCase {
    private func parse(_ line: String) throws -> (step: Int, sample: Sample) {
        var text = line
        return try text.withUTF8 { try SampleLineParser.parse($0) }
    }

    func testEveryLineCrestWritesReadsBackToTheSameSample() throws {
        var random = SeededRandom(seed: 4)
        for index in 0..<500 {
            let sent = Int64(random.nextInt(below: 1 << 40))
            let sample = Sample(
                level: 1 + random.nextInt(below: 1000), client: random.nextInt(below: 1000), seq: index, promptIndex: random.nextInt(below: 120),
                sentAt: sent, firstTokenAt: index % 3 == 0 ? nil : sent + 7, finishedAt: sent + 99, promptTokens: random.nextInt(below: 4000),
                completionTokens: random.nextInt(below: 900), tokensSource: index % 2 == 0 ? .server : .estimate,
                outcome: Outcome.allCases[index % Outcome.allCases.count], phase: [Phase.warmup, .measured, .cooldown][index % 3],
                sendLag: index % 4 == 0 ? Int64(index) : nil, interTokenGaps: index % 5 == 0 ? (0..<index % 7).map { Int64($0) * 1_000_003 } : nil,
                errorName: index % 6 == 1 ? ["ThrottlingException", "ModelStreamErrorException", "Validation.Error-2"][index % 3] : nil,
                fault: index % 4 == 1 ? Fault.allCases.first { $0.outcome == Outcome.allCases[index % Outcome.allCases.count] } : nil,
                retryAfter: index % 8 == 3 ? Int64(index) * 1_000_000 : nil, cachedTokens: index % 9 == 2 ? index * 16 : nil,
                firstAnswerAt: index % 10 == 3 ? sent + 50 : nil, reasoningTokens: index % 5 == 3 ? index : nil,
                askedTokens: index % 7 == 1 ? index + 5 : nil, turn: index % 4 == 2 ? 1 + index % 9 : nil)
            let read = try parse(sample.jsonLine(step: index + 1))
            XCTAssertEqual(read.sample, sample)
            XCTAssertEqual(read.step, index + 1)
            XCTAssertEqual(try Sample(jsonLine: sample.jsonLine(step: 3)), sample)
        }
    }

    func testAnyKeyOrderSpacingAndUnknownFieldsAreRead() throws {
        let line = #"{ "phase" : "measured", "outcome":"ok", "future":{"a":[1,"x,]"]}, "tokens_source":"server", "completion_tokens":5, "prompt_tokens":9, "finished_ns":30, "first_token_ns":null, "sent_ns":-10, "prompt_index":2, "seq":1, "client":0, "level":4, "step":7, "itl_ns":[ 1 , 2 ] }"#
        let (step, sample) = try parse(line)
        XCTAssertEqual(step, 7)
        XCTAssertEqual(sample.sentAt, -10)
        XCTAssertNil(sample.firstTokenAt)
        XCTAssertEqual(sample.interTokenGaps, [1, 2])
    }

    func testMistakesNameTheField() {
        let cases: [(String, String?)] = [
            (#"{"step":1,"level":oops}"#, "level"),
            (#"{"step":1,"level":1,"client":0,"seq":0,"prompt_index":0,"sent_ns":0,"first_token_ns":null,"finished_ns":1,"prompt_tokens":1,"completion_tokens":1,"tokens_source":"server","outcome":"exploded","phase":"measured"}"#, "outcome"),
            (#"{"step":1,"client":0}"#, "level"),
            // A fault must be one of the line's outcome.
            (#"{"step":1,"level":1,"client":0,"seq":0,"prompt_index":0,"sent_ns":0,"first_token_ns":null,"finished_ns":1,"prompt_tokens":1,"completion_tokens":0,"tokens_source":"estimate","outcome":"timeout","phase":"measured","fault":"connection_reset"}"#, "fault"),
            (#"{"step":1,"level":1,"client":0,"seq":0,"prompt_index":0,"sent_ns":0,"first_token_ns":null,"finished_ns":1,"prompt_tokens":1,"completion_tokens":0,"tokens_source":"estimate","outcome":"timeout","phase":"measured","fault":"gremlins"}"#, "fault"),
            (#"{"step":1,"level":1,"client":0,"seq":0,"prompt_index":0,"sent_ns":0,"first_token_ns":null,"finished_ns":1,"prompt_tokens":1,"completion_tokens":0,"tokens_source":"estimate","outcome":"http_429","phase":"measured","retry_after_ns":-5}"#, "retry_after_ns"),
            // A conversation's turns count from 1.
            (#"{"step":1,"level":1,"client":0,"seq":0,"prompt_index":0,"sent_ns":0,"first_token_ns":null,"finished_ns":1,"prompt_tokens":1,"completion_tokens":1,"tokens_source":"server","outcome":"ok","phase":"measured","turn":0}"#, "turn"),
            ("not json", nil),
            // Found by TextInputFuzzTests: the last digit's addition overflowed and trapped.
            (#"{"step":1,"level":1,"client":0,"seq":0,"prompt_index":0,"sent_ns":9223372036854775808}"#, "sent_ns"),
            (#"{"step":1,"level":1,"client":0,"seq":0,"prompt_index":0,"sent_ns":99999999999999999999}"#, "sent_ns"),
        ]
        for (line, field) in cases {
            XCTAssertThrowsError(try parse(line)) { error in
                XCTAssertEqual((error as? SampleLineParser.Failure)?.field, field, line)
            }
        }
    }
}
