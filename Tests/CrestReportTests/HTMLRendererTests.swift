import Crest
import XCTest
@testable import CrestReport
import CrestTestSupport

final class HTMLRendererTests: XCTestCase {
    func testOneSelfContainedFileWithEverySectionAndThePlotsInline() throws {
        let input = try ReportFixtures.input(levels: [(1, 2.0, 2.0), (2, 1.1, 4.0), (4, 0.7, 8.0)])
        let plots = SweepPlots.render(input)
        let html = HTMLRenderer.render(SweepReport(input), plots: plots)
        for section in ["Summary", "Recommendation", "Plots", "Per instance results", "Results per concurrency level", "How the search went", "Method"] {
            XCTAssertTrue(html.contains("<h2>\(section)</h2>"), section)
        }
        XCTAssertEqual(html.components(separatedBy: "<svg ").count - 1, plots.count, "every plot inline")
        XCTAssertFalse(html.contains("<?xml"), "no XML declaration inside the page")
        XCTAssertFalse(html.contains("<script"))
        XCTAssertFalse(html.contains(" src="), "nothing fetched")
        XCTAssertFalse(html.contains("<link"), "no stylesheet fetched")
        XCTAssertTrue(html.contains("<style>"))
        XCTAssertEqual(html.components(separatedBy: "<table>").count - 1, 6)
    }

    func testInlineMarksBecomeTagsAndEverythingElseIsEscaped() {
        XCTAssertEqual(HTMLRenderer.inline("budget `e2e.p95<=20s` is **met** & kept"), "budget <code>e2e.p95&lt;=20s</code> is <strong>met</strong> &amp; kept")
        XCTAssertEqual(HTMLRenderer.inline("<script>"), "&lt;script&gt;")
    }
}
