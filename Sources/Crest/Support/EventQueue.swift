/// A min-heap of timed events with a deterministic order: by time, then by the order they were
/// scheduled. Two events at the same nanosecond always pop in the same order, so a seed gives
/// the same run. The simulator's clock and the live load generator's timers both run on it.
/// Inlinable, so that the simulator's hot loop gets a specialised copy.
public struct EventQueue<Event> {
    @usableFromInline
    struct Entry {
        @usableFromInline let time: Int64
        @usableFromInline let order: UInt64
        @usableFromInline let event: Event

        @inlinable
        init(time: Int64, order: UInt64, event: Event) {
            self.time = time
            self.order = order
            self.event = event
        }

        @inlinable
        func precedes(_ other: Entry) -> Bool {
            time != other.time ? time < other.time : order < other.order
        }
    }

    @usableFromInline var heap: [Entry] = []
    @usableFromInline var scheduled: UInt64 = 0

    public init() {}

    @inlinable public var isEmpty: Bool { heap.isEmpty }
    @inlinable public var count: Int { heap.count }

    /// The earliest event's time.
    @inlinable public var peekTime: Int64? { heap.first?.time }

    /// The earliest event, left in place.
    @inlinable public var peek: (time: Int64, event: Event)? { heap.first.map { ($0.time, $0.event) } }

    /// Schedules `event` at `time` (ns).
    @inlinable
    public mutating func schedule(_ event: Event, at time: Int64) {
        heap.append(Entry(time: time, order: scheduled, event: event))
        scheduled &+= 1
        siftUp(heap.count - 1)
    }

    /// Removes and returns the earliest event.
    @inlinable
    public mutating func pop() -> (time: Int64, event: Event)? {
        guard !heap.isEmpty else { return nil }
        let first = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
        return (first.time, first.event)
    }

    @inlinable
    mutating func siftUp(_ index: Int) {
        var child = index
        let entry = heap[child]
        while child > 0 {
            let parent = (child - 1) / 2
            guard entry.precedes(heap[parent]) else { break }
            heap[child] = heap[parent]
            child = parent
        }
        heap[child] = entry
    }

    @inlinable
    mutating func siftDown(_ index: Int) {
        var parent = index
        let entry = heap[parent]
        let count = heap.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { break }
            let right = left + 1
            let child = right < count && heap[right].precedes(heap[left]) ? right : left
            guard heap[child].precedes(entry) else { break }
            heap[parent] = heap[child]
            parent = child
        }
        heap[parent] = entry
    }
}
