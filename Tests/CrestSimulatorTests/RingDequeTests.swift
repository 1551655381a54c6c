import XCTest
@testable import CrestSimulator

final class RingDequeTests: XCTestCase {
    func testAppendsPrependsAndGrowsInOrder() {
        var deque = RingDeque<Int>()
        for value in 0..<40 { deque.append(value) }
        deque.prepend(-1)
        deque.prepend(-2)
        XCTAssertEqual(deque.count, 42)
        XCTAssertEqual(deque.removeFirst(), -2)
        XCTAssertEqual(deque.removeFirst(), -1)
        deque.removeFirst { $0 == 20 }
        var rest: [Int] = []
        while !deque.isEmpty { rest.append(deque.removeFirst()) }
        XCTAssertEqual(rest, Array(0..<20) + Array(21..<40))
    }
}
