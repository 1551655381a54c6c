/// The KV blocks of shared system prompts an engine keeps, as vLLM's automatic prefix caching keeps
/// whole blocks of computed prompts: a request whose prompt starts with a cached prefix reads its
/// blocks and computes only the rest. A cached prefix is held while any running sequence reads it,
/// and after that until its blocks are needed (least recently used first).
///
/// Prefixes are known by their group (`SharedPrefix`), not by hashing blocks of tokens: the
/// simulator's prompts have no tokens, only counts.
struct PrefixCache {
    private struct Entry {
        var blocks: Int
        var readers: Int
        var lastUse: Int
    }

    private var entries: [Int: Entry] = [:]
    /// Counts uses, for least-recently-used order (a counter keeps it deterministic).
    private var uses = 0

    func holds(_ group: Int) -> Bool { entries[group] != nil }

    /// The cached blocks of `group`'s prefix; nil when it is not cached.
    func blocks(of group: Int) -> Int? { entries[group]?.blocks }

    /// `blocks` of `group`'s prefix, just computed by a sequence that now reads them.
    mutating func store(_ group: Int, blocks: Int) {
        uses += 1
        entries[group] = Entry(blocks: blocks, readers: 1, lastUse: uses)
    }

    /// A sequence begins to read `group`'s cached prefix.
    mutating func use(_ group: Int) {
        uses += 1
        entries[group]?.readers += 1
        entries[group]?.lastUse = uses
    }

    /// A sequence stops reading `group`'s cached prefix (it finished, was aborted or preempted).
    mutating func release(_ group: Int) {
        entries[group]?.readers -= 1
        assert((entries[group]?.readers ?? 0) >= 0, "a prefix released more often than read")
    }

    /// Drops the least recently used prefix no sequence reads, other than `sparing`'s; its blocks,
    /// or nil when there is none to drop.
    mutating func evictLeastRecentlyUsedIdle(sparing: Int? = nil) -> Int? {
        let idle = entries.filter { $0.value.readers == 0 && $0.key != sparing }
        guard let (group, entry) = idle.min(by: { $0.value.lastUse < $1.value.lastUse }) else { return nil }
        entries[group] = nil
        return entry.blocks
    }
}
