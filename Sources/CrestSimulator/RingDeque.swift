/// A double-ended queue on a ring buffer: the engine's waiting queue, which takes new requests at
/// the back and preempted ones back at the front.
struct RingDeque<Element> {
    private var storage: [Element?] = Array(repeating: nil, count: 16)
    private var head = 0
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }
    var first: Element? { count == 0 ? nil : storage[head] }

    mutating func append(_ element: Element) {
        growIfFull()
        storage[(head + count) & (storage.count - 1)] = element
        count += 1
    }

    mutating func prepend(_ element: Element) {
        growIfFull()
        head = (head - 1 + storage.count) & (storage.count - 1)
        storage[head] = element
        count += 1
    }

    @discardableResult
    mutating func removeFirst() -> Element {
        precondition(count > 0, "removeFirst() on an empty deque")
        let element = storage[head]!
        storage[head] = nil
        head = (head + 1) & (storage.count - 1)
        count -= 1
        return element
    }

    /// Removes the first element that matches; O(n), for the rare abort of a waiting request.
    mutating func removeFirst(where matches: (Element) -> Bool) {
        var kept: [Element] = []
        kept.reserveCapacity(count)
        var removed = false
        while count > 0 {
            let element = removeFirst()
            if !removed && matches(element) { removed = true } else { kept.append(element) }
        }
        for element in kept { append(element) }
    }

    private mutating func growIfFull() {
        guard count == storage.count else { return }
        var grown: [Element?] = Array(repeating: nil, count: storage.count * 2)
        for index in 0..<count { grown[index] = storage[(head + index) & (storage.count - 1)] }
        storage = grown
        head = 0
    }
}
