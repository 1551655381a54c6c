import XCTest
@testable import CrestReport

final class LabelPlacementTests: XCTestCase {
    // Labels of points far apart sit above right of each; labels of points on top of each other
    // take the next free place around it, and one with no free place is left out.
    func testCrowdedLabelsTakeTheNextFreePlaceOrNone() {
        var labels = LabelPlacement()
        XCTAssertEqual(labels.place("1", besidePointAt: 100, 200, size: 10), .init(x: 106, y: 193, anchor: "start"))
        XCTAssertEqual(labels.place("2", besidePointAt: 300, 200, size: 10), .init(x: 306, y: 193, anchor: "start"))
        let crowded = (5...9).map { labels.place(String($0), besidePointAt: 500, 200, size: 10) }
        XCTAssertEqual(crowded[0], .init(x: 506, y: 193, anchor: "start"))
        XCTAssertEqual(crowded[1], .init(x: 506, y: 217, anchor: "start"), "below right")
        XCTAssertEqual(crowded[2], .init(x: 494, y: 193, anchor: "end"), "above left")
        XCTAssertEqual(crowded[3], .init(x: 494, y: 217, anchor: "end"), "below left")
        XCTAssertNil(crowded[4], "no free place left")
    }

    // A longer label is wider: "10·12" beside a point 20 px to the right of "3" overlaps it above
    // right only if the width counts.
    func testWidthGrowsWithTheText() {
        var labels = LabelPlacement()
        _ = labels.place("10·12", besidePointAt: 100, 200, size: 10)
        XCTAssertEqual(labels.place("3", besidePointAt: 120, 200, size: 10)?.y, 217, "the first label reaches past x = 126")
    }
}

final class LabelObstacleTests: XCTestCase {
    // A label never covers a reserved point or interval bar: above right is taken by another
    // level's interval, so the label goes below right.
    func testALabelStepsAsideFromAnInterval() {
        var labels = LabelPlacement()
        labels.reserve(left: 106, top: 150, right: 114, bottom: 195)
        XCTAssertEqual(labels.place("7", besidePointAt: 100, 200, size: 10), .init(x: 106, y: 217, anchor: "start"))
    }
}
