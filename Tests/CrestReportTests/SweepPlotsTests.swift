import Crest
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import CrestReport
import CrestTestSupport

/// Each plot parsed back as XML, its content checked against the data it was drawn from.
final class SweepPlotsTests: XCTestCase {
    private func document(_ svg: String) throws -> XMLDocument {
        try XMLDocument(xmlString: svg)
    }

    private func elements(_ document: XMLDocument, _ name: String, class className: String) throws -> [XMLElement] {
        try document.nodes(forXPath: "//*[local-name()='\(name)'][contains(concat(' ', @class, ' '), ' \(className) ')]").compactMap { $0 as? XMLElement }
    }

    /// An attribute's value. (FoundationXML's `attribute(forName:)` finds nothing under SVG's default
    /// namespace on Linux, so the attributes are searched by name.)
    private func attribute(_ element: XMLElement, _ name: String) -> String? {
        element.attributes?.first { $0.name == name }?.stringValue
    }

    private func number(_ element: XMLElement, _ name: String) -> Double {
        Double(attribute(element, name) ?? "") ?? .nan
    }

    /// Pixel y of value `value` on the y axis, read from two tick labels (the scale is linear).
    private func yPosition(of value: Double, in document: XMLDocument) throws -> Double {
        let ticks = try elements(document, "text", class: "y-tick").map { (value: Double($0.stringValue ?? "")!, y: number($0, "y") - 4) }
        let (a, b) = (ticks.first!, ticks.last!)
        return a.y + (value - a.value) / (b.value - a.value) * (b.y - a.y)
    }

    func testTheLatencyPlotShowsEveryLevelTheBudgetAndTheAnswer() throws {
        let input = try ReportFixtures.input(levels: [(1, 2.0, 2.0), (2, 1.1, 4.0), (4, 0.7, 8.0), (8, 0.7, 16)])
        let plots = SweepPlots.render(input)
        XCTAssertEqual(plots.map(\.name), ["latency-e2e.svg", "latency-ttft.svg", "latency-tpot.svg", "throughput.svg", "throughput-tokens.svg", "errors.svg"])
        let svg = try document(try XCTUnwrap(plots.first { $0.name == "latency-e2e.svg" }).svg)

        // One point per level in each of the two series, at the levels measured.
        let points = try elements(svg, "circle", class: "point")
        let budgeted = points.filter { attribute($0, "data-series") == "e2e p95 (95% interval)" }
        XCTAssertEqual(budgeted.map { attribute($0, "data-x")! }, ["1", "2", "4", "8"])
        XCTAssertEqual(points.count, 8)
        // The search's model fitted to the four levels, drawn as a line with no points of its own.
        let lines = try elements(svg, "polyline", class: "series-line")
        XCTAssertEqual(lines.count, 3, "p95, p50 and the fit")
        XCTAssertTrue(try elements(svg, "text", class: "legend-label").contains { $0.stringValue?.hasPrefix("fit: ") == true })
        XCTAssertLessThanOrEqual(try elements(svg, "polygon", class: "band").count, 1)

        // The budget line sits at 10 s on the y axis, which reaches above every point.
        let reference = try XCTUnwrap(try elements(svg, "line", class: "reference").first)
        XCTAssertEqual(number(reference, "y1"), try yPosition(of: 10, in: svg), accuracy: 0.5)
        let yTicks = try elements(svg, "text", class: "y-tick").compactMap { Double($0.stringValue ?? "") }
        XCTAssertEqual(yTicks.first, 0)
        XCTAssertGreaterThanOrEqual(yTicks.last!, 16, "the axis reaches the slowest level's p95")
        // Concurrency on a log2 axis from 1 to 8.
        XCTAssertEqual(try elements(svg, "text", class: "x-tick").map { $0.stringValue! }, ["1", "2", "4", "8"])

        // The recommended level (4: its p95 of 7.2 s is in budget, 8's is not) is marked where its point is.
        let marker = try XCTUnwrap(try elements(svg, "line", class: "marker").first)
        let four = try XCTUnwrap(budgeted.first { attribute($0, "data-x") == "4" })
        XCTAssertEqual(number(marker, "x1"), number(four, "cx"), accuracy: 0.01)
        XCTAssertEqual(try elements(svg, "text", class: "marker-label").first?.stringValue, "recommended 4")
        // Each point is labelled with the step that measured it.
        XCTAssertEqual(try elements(svg, "text", class: "point-label").map { $0.stringValue! }, ["1", "2", "3", "4"])
    }

    func testThroughputAndErrorPlots() throws {
        let input = try ReportFixtures.input(levels: [(1, 2.0, 2.0), (2, 1.1, 4.0), (4, 0.7, 8.0)])
        let plots = Dictionary(uniqueKeysWithValues: SweepPlots.render(input).map { ($0.name, $0.svg) })
        let throughput = try document(try XCTUnwrap(plots["throughput.svg"]))
        let points = try elements(throughput, "circle", class: "point")
        for (point, level) in zip(points, input.levels) {
            XCTAssertEqual(number(point, "cy"), try yPosition(of: level.summary.transactionsPerMinute.value, in: throughput), accuracy: 0.5)
        }
        XCTAssertEqual(try elements(throughput, "line", class: "interval").count, 3 * 3, "a bar and two caps per level")
        XCTAssertTrue(try elements(throughput, "text", class: "legend-label").contains { $0.stringValue?.hasPrefix("fit: ") == true },
                      "three feasible levels: the search's throughput model is drawn")
        let tokens = try document(try XCTUnwrap(plots["throughput-tokens.svg"]))
        let completion = try elements(tokens, "circle", class: "point").filter { attribute($0, "data-series") == "completion tokens/s" }
        for (point, level) in zip(completion, input.levels) {
            XCTAssertEqual(number(point, "cy"), try yPosition(of: level.summary.completionTokenThroughput, in: tokens), accuracy: 0.5)
        }
        XCTAssertEqual(completion.count, 3)
        let errors = try document(try XCTUnwrap(plots["errors.svg"]))
        let ceiling = try XCTUnwrap(try elements(errors, "line", class: "reference").first)
        XCTAssertEqual(number(ceiling, "y1"), try yPosition(of: 1, in: errors), accuracy: 0.5, "the 1% ceiling")
    }

    func testAPercentileOfFailuresIsDrawnOffScaleNotLost() throws {
        let input = try ReportFixtures.input(levels: [(1, 2.0, 2.0), (2, 1.1, 4.0)], failuresAtLast: 10)
        let svg = try document(SweepPlots.render(input)[0].svg)
        let offScale = try elements(svg, "circle", class: "off-scale")
        XCTAssertEqual(offScale.map { attribute($0, "data-x")! }, ["2"], "10% failures make the p95 infinite")
    }

    func testTheSameInputDrawsTheSameBytes() throws {
        let input = try ReportFixtures.input(levels: [(1, 2.0, 2.0), (3, 1.1, 4.0)])
        XCTAssertEqual(SweepPlots.render(input).map(\.svg), SweepPlots.render(input).map(\.svg))
    }

    func testThePlotsOfSingleRequests() throws {
        let (input, runs) = try ReportFixtures.inputAndRuns(levels: [(1, 2.0, 2.0), (2, 1.1, 4.0)], failuresAtLast: 10)
        let plots = Dictionary(uniqueKeysWithValues: SweepPlots.render(input, runs: runs).map { ($0.name, $0.svg) })
        XCTAssertEqual(Set(plots.keys).subtracting(SweepPlots.render(input).map(\.name)),
                       ["tokens-vs-latency.svg", "level-1-latency-cdf.svg", "level-1-timeline.svg", "level-1-in-flight.svg",
                        "level-2-latency-cdf.svg", "level-2-timeline.svg", "level-2-in-flight.svg"])

        // One point per successful request, in a series per level.
        let scatter = try document(try XCTUnwrap(plots["tokens-vs-latency.svg"]))
        let points = try elements(scatter, "circle", class: "point")
        XCTAssertEqual(points.count, 100 + 90)
        XCTAssertEqual(Set(points.compactMap { attribute($0, "data-series") }), ["N=1", "N=2"])

        // The distribution rises to 100% and marks its percentiles where they are.
        let cdf = try document(try XCTUnwrap(plots["level-2-latency-cdf.svg"]))
        XCTAssertEqual(try elements(cdf, "text", class: "marker-label").map { $0.stringValue! }, ["p50 3.6 s", "p95 3.6 s", "p99 3.6 s"], "the 10 failures were the slowest requests")
        XCTAssertEqual(try elements(cdf, "text", class: "y-tick").last?.stringValue, "100")

        // The timeline shows the window and each phase of the requests.
        let timeline = try document(try XCTUnwrap(plots["level-1-timeline.svg"]))
        XCTAssertEqual(try elements(timeline, "text", class: "marker-label").map { $0.stringValue! }, ["window opens", "closes"])
        XCTAssertEqual(try elements(timeline, "circle", class: "point").count, 100)

        // In flight: a line with the level's concurrency as its reference, starting from no request.
        let inFlight = try document(try XCTUnwrap(plots["level-1-in-flight.svg"]))
        let reference = try XCTUnwrap(try elements(inFlight, "line", class: "reference").first)
        XCTAssertEqual(number(reference, "y1"), try yPosition(of: 1, in: inFlight), accuracy: 0.5)
        XCTAssertEqual(try elements(inFlight, "polyline", class: "series-line").count, 1)
    }

    func testAHugeSweepsScatterIsThinnedDeterministically() throws {
        let (input, runs) = try ReportFixtures.inputAndRuns(levels: (1...40).map { ($0, 0.5, 1.0 + Double($0) / 10) })
        let first = try XCTUnwrap(SweepPlots.render(input, runs: runs).first { $0.name == "tokens-vs-latency.svg" }).svg
        let points = try elements(try document(first), "circle", class: "point").count
        XCTAssertLessThanOrEqual(points, RequestPlots.maximumPoints)
        XCTAssertGreaterThan(points, RequestPlots.maximumPoints / 2)
        XCTAssertEqual(first, try XCTUnwrap(SweepPlots.render(input, runs: runs).first { $0.name == "tokens-vs-latency.svg" }).svg)
    }
}
