import Foundation
import XCTest

@testable import Crest

/// A step's typed fields are written as search.jsonl has always had them, and read back to the same values.
final class SearchStepCodingTests: XCTestCase {
    private func roundTrip<T: Codable & Equatable>(_ value: T, as text: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let encoded = String(decoding: try encoder.encode([value]), as: UTF8.self)
        XCTAssertEqual(encoded, "[\"\(text)\"]", file: file, line: line)
        XCTAssertEqual(try JSONDecoder().decode([T].self, from: Data(encoded.utf8)), [value], file: file, line: line)
    }

    func testTestsAndVerdictsKeepTheirWords() throws {
        try roundTrip(StepTest.sequential(.screening), as: "screening")
        try roundTrip(StepTest.sequential(.confirmation), as: "confirmation")
        try roundTrip(StepTest.requests(200), as: "200 requests")
        try roundTrip(StepTest.duration(seconds: 90), as: "90 s")
        try roundTrip(StepTest.stabilityWindows, as: "stability windows")
        try roundTrip(StepVerdict(isFeasible: true, basis: .test(.certified)), as: "certified feasible")
        try roundTrip(StepVerdict(isFeasible: false, basis: .test(.borderline)), as: "borderline infeasible")
        try roundTrip(StepVerdict(isFeasible: true, basis: .pointEstimate), as: "feasible")
        try roundTrip(StepVerdict(isFeasible: false, basis: .heldBack), as: "infeasible (held back)")
        try roundTrip(SearchPhase.knee, as: "knee")
        try roundTrip(SearchPhase(rawValue: "bisect"), as: "bisect")
        XCTAssertEqual(StepVerdict(isFeasible: false, basis: .heldBack).short, "over (held back)")
        XCTAssertEqual(StepVerdict(isFeasible: true, basis: .test(.likely)).short, "likely ok")
        XCTAssertThrowsError(try JSONDecoder().decode([StepVerdict].self, from: Data(#"["probably fine"]"#.utf8)))
        XCTAssertThrowsError(try JSONDecoder().decode([StepTest].self, from: Data(#"["a while"]"#.utf8)))
    }

    func testObservedStatisticsReadBackWithTheirCounts() {
        let text = "e2e.p95=15.4s (9/32 over) ttft.mean=inf errors=0.5% (1/200 over)"
        let statistics = ObservedStatistic.list(parsing: text)
        XCTAssertEqual(statistics?.map(\.statistic), ["e2e.p95", "ttft.mean", "errors"])
        XCTAssertEqual(statistics?.map(\.counts?.over), [9, nil, 1])
        XCTAssertEqual(statistics?.last?.isErrorRate, true)
        XCTAssertEqual(statistics?.map(\.description).joined(separator: " "), text)
        XCTAssertEqual(ObservedStatistic.list(parsing: ""), [])
        XCTAssertNil(ObservedStatistic.list(parsing: "e2e.p95 is fine"))
        XCTAssertNil(ObservedStatistic.list(parsing: "e2e.p95=4s (3 of 9 over)"))
    }
}
