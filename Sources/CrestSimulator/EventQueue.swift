/// A min-heap of timed events with a deterministic order: by time, then by the order they were
/// scheduled. Two events at the same nanosecond always pop in the same order, so a seed gives
/// the same run.
struct EventQueue<Event> {
    private struct Entry {
        let time: Int64
        let order: UInt64
        let event: Event

        func precedes(_ other: Entry) -> Bool {
            time != other.time ? time < other.time : order < other.order
        }
    }

    private var heap: [Entry] = []
    private var scheduled: UInt64 = 0

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }

    /// The earliest event's time.
    var peekTime: Int64? { heap.first?.time }

    /// Schedules `event` at `time` (ns).
    mutating func schedule(_ event: Event, at time: Int64) {
        heap.append(Entry(time: time, order: scheduled, event: event))
        scheduled &+= 1
        siftUp(heap.count - 1)
    }

    /// Removes and returns the earliest event.
    mutating func pop() -> (time: Int64, event: Event)? {
        guard !heap.isEmpty else { return nil }
        let first = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
        return (first.time, first.event)
    }

    private mutating func siftUp(_ index: Int) {
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

    private mutating func siftDown(_ index: Int) {
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
