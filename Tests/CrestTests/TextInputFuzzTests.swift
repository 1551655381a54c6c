import Foundation
import XCTest
@testable import Crest
import CrestTestSupport

/// Seeded mutation fuzzing of what Crest reads from files and flags: sample lines, dataset files,
/// budgets, error ceilings, level lists and durations. A thrown error is a fine answer; a crash
/// fails the whole test run. CI runs a short pass; `CREST_FUZZ_INPUTS=1000000` runs the figure's.
final class TextInputFuzzTests: XCTestCase {
    private var inputs: Int { ProcessInfo.processInfo.environment["CREST_FUZZ_INPUTS"].flatMap(Int.init) ?? 3_000 }

    private func fuzz(seed: UInt64, _ corpus: [String], _ target: ([UInt8]) -> Void) {
        var mutator = Mutator(seed: seed, corpus: corpus.map { Array($0.utf8) })
        for _ in 0..<inputs { target(mutator.next()) }
    }

    func testSampleLinesFuzzedNeverCrashTheParser() {
        fuzz(seed: 81, [
            #"{"step":1,"level":4,"client":0,"seq":0,"prompt_index":84,"sent_ns":0,"first_token_ns":161248519,"finished_ns":3441785794,"prompt_tokens":1670,"completion_tokens":303,"tokens_source":"server","outcome":"ok","phase":"warmup"}"#,
            #"{"step":2,"level":1,"client":0,"seq":3,"prompt_index":1,"sent_ns":5,"first_token_ns":null,"finished_ns":9,"prompt_tokens":1,"completion_tokens":0,"tokens_source":"estimate","outcome":"http_429","phase":"measured","send_lag_ns":3,"itl_ns":[1,2],"error_name":"ThrottlingException"}"#,
        ]) { bytes in _ = try? bytes.withUnsafeBufferPointer { try SampleLineParser.parse($0) } }
    }

    func testDatasetFilesFuzzedNeverCrashTheLoader() {
        let loader = DatasetLoader(defaultMaxOutputTokens: 100)
        fuzz(seed: 82, [
            #"{"inputs":"hello there","parameters":{"max_new_tokens":100},"prompt_tokens":3}"# + "\n" + #"{"inputs":"again"}"#,
            #"{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}],"max_tokens":20}"#,
            "one prompt per line\nanother one\n",
        ]) { bytes in _ = try? loader.parse(Data(bytes), path: "fuzz.jsonl") }
    }

    func testBudgetsLevelsAndDurationsFuzzedNeverCrashTheirParsers() {
        fuzz(seed: 83, ["e2e.p95<=20s", "ttft.p99.9<=800ms", "tpot.mean<=0.1s", "itl.p50<=50ms", "errors<=1%", "0.5 %",
                        "e2e.p95<=20s AND errors<=1%", "1,2,4,8", "500ms", "2m", "1h", "1.5s"]) { bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            _ = try? LatencyConstraint(parsing: text)
            _ = try? Budget.parseErrorRate(text)
            _ = try? Budget(parsingDescription: text)
            _ = try? Level.parseList(text)
            _ = DurationParsing.seconds(text)
        }
    }
}
