import CrestTestSupport
import Foundation
import XCTest
@testable import crest

/// Seeded mutation fuzzing of study files, read as `crest study` reads them: every input is
/// either a study or a usage error naming the file; a crash fails the whole test run. CI runs a
/// short pass; `CREST_FUZZ_INPUTS=N` runs more.
final class StudyConfigFuzzTests: XCTestCase {
    func testStudyFilesFuzzedAreReadOrRefusedNeverCrash() throws {
        let inputs = ProcessInfo.processInfo.environment["CREST_FUZZ_INPUTS"].flatMap(Int.init) ?? 1_000
        let shipped = try String(contentsOf: CrestBinary.packageRoot.appendingPathComponent("datasets/studies/two-presets.json"), encoding: .utf8)
        let live = #"{"budget":"ttft.p99<=1s","targets":[{"url":"http://127.0.0.1:8000","model":"m","label":"vllm","options":["--levels","1,2"]}],"datasets":["en_1-500"]}"#
        var mutator = Mutator(seed: 84, corpus: [Array(shipped.utf8), Array(live.utf8)])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("crest-study-fuzz-\(getpid()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var read = 0, refused = 0
        for _ in 0..<inputs {
            try Data(mutator.next()).write(to: URL(fileURLWithPath: path))
            do {
                _ = try StudyConfig.read(path: path)
                read += 1
            } catch let error as UsageError {
                XCTAssertTrue(error.description.hasPrefix(path), error.description)
                refused += 1
            }
        }
        XCTAssertGreaterThan(refused, 0)
        XCTAssertEqual(read + refused, inputs)
    }
}
