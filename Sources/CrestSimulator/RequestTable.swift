/// What a serving model keeps of each request, indexed by request id, forgetting the ended ones at
/// the front now and then: a server that runs for days (`crest serve`) holds a table the size of
/// its recent requests, not of every request it ever served. Ids arrive about in order (a network
/// with jitter swaps a few), so the ended ones gather at the front.
struct RequestTable<Entry: RequestTableEntry> {
    /// Slot `index` holds request `base + index`; nil for a request yet to arrive.
    private var slots: [Entry?] = []
    private var base = 0
    /// How many slots at the front hold ended entries.
    private var endedPrefix = 0

    /// How many slots the table holds now.
    var count: Int { slots.count }

    /// The entry of request `id`, which has arrived and not been forgotten.
    subscript(id: Int) -> Entry {
        get { slots[id - base]! }
        _modify { yield &slots[id - base]! }
    }

    /// The entry of request `id`, if it arrived and is still held (an id below the table's base
    /// ended long ago).
    func entry(_ id: Int) -> Entry? {
        id >= base && id - base < slots.count ? slots[id - base] : nil
    }

    mutating func store(_ entry: Entry, of id: Int) {
        let index = id - base
        if slots.count <= index { slots.append(contentsOf: repeatElement(nil, count: index + 1 - slots.count)) }
        slots[index] = entry
    }

    /// Drops the ended entries at the front once they are at least 4,096 and half the table. Call
    /// it only when nothing will ask for an ended entry again.
    mutating func forgetEnded() {
        while endedPrefix < slots.count, let entry = slots[endedPrefix], entry.hasEnded { endedPrefix += 1 }
        guard endedPrefix >= 4096, endedPrefix * 2 >= slots.count else { return }
        slots.removeFirst(endedPrefix)
        base += endedPrefix
        endedPrefix = 0
    }
}

/// An entry of a `RequestTable`: it knows whether its request has ended.
protocol RequestTableEntry {
    var hasEnded: Bool { get }
}
