import Crest
import XCTest

final class EventQueueTests: XCTestCase {
    func testPopsByTimeThenBySchedulingOrder() {
        var queue = EventQueue<String>()
        queue.schedule("c", at: 30)
        queue.schedule("a1", at: 10)
        queue.schedule("b", at: 20)
        queue.schedule("a2", at: 10)
        queue.schedule("a3", at: 10)
        var popped: [String] = []
        while let (_, event) = queue.pop() { popped.append(event) }
        XCTAssertEqual(popped, ["a1", "a2", "a3", "b", "c"])
    }

    func testMatchesASortedReferenceOnRandomInput() {
        var random = Crest.SeededRandom(seed: 9)
        var queue = EventQueue<Int>()
        var reference: [(time: Int64, order: Int)] = []
        for order in 0..<2000 {
            let time = Int64(random.nextInt(below: 100))
            queue.schedule(order, at: time)
            reference.append((time, order))
            if random.nextInt(below: 3) == 0, let (time, event) = queue.pop() {
                let expected = reference.enumerated().min { ($0.element.time, $0.element.order) < ($1.element.time, $1.element.order) }!
                XCTAssertEqual(time, expected.element.time)
                XCTAssertEqual(event, expected.element.order)
                reference.remove(at: expected.offset)
            }
        }
        XCTAssertEqual(queue.count, reference.count)
        XCTAssertEqual(queue.peekTime, reference.map(\.time).min())
    }
}
