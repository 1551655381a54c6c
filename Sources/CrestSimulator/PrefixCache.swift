/// The KV blocks of prompts an engine keeps for reuse, as vLLM's automatic prefix caching keeps
/// whole blocks of computed tokens: shared system prompts, and the histories of conversations (a
/// session's turns and replies so far, `SessionHistory`). A request whose prompt starts with a
/// cached prefix reads its blocks and computes only the rest. An entry is held while any running
/// sequence reads it, and after that until its blocks are needed (least recently used first).
///
/// Prefixes are known by their group or session (`Key`), not by hashing blocks of tokens: the
/// simulator's prompts have no tokens, only counts.
struct PrefixCache {
    enum Key: Hashable {
        /// A shared system prompt (`SharedPrefix.group`).
        case group(Int)
        /// A conversation's history beyond its system prompt (`SessionHistory.session`).
        case session(Int)
    }

    private struct Entry {
        var blocks: Int
        var readers: Int
        var lastUse: Int
    }

    private var entries: [Key: Entry] = [:]
    /// Counts uses, for least-recently-used order (a counter keeps it deterministic).
    private var uses = 0

    func holds(_ key: Key) -> Bool { entries[key] != nil }

    /// The cached blocks of `key`'s prefix; nil when it is not cached.
    func blocks(of key: Key) -> Int? { entries[key]?.blocks }

    /// `blocks` of `key`'s prefix, just computed by a sequence that now reads them (`readers` 1),
    /// or that has finished with them (`readers` 0).
    mutating func store(_ key: Key, blocks: Int, readers: Int = 1) {
        uses += 1
        entries[key] = Entry(blocks: blocks, readers: readers, lastUse: uses)
    }

    /// `key`'s cached prefix grows by `blocks`, computed by a sequence that reads it.
    mutating func grow(_ key: Key, by blocks: Int) {
        entries[key]?.blocks += blocks
    }

    /// Drops `key`'s prefix if no sequence reads it; its blocks, or nil when there was none to drop.
    mutating func dropIfIdle(_ key: Key) -> Int? {
        guard let entry = entries[key], entry.readers == 0 else { return nil }
        entries[key] = nil
        return entry.blocks
    }

    /// A sequence begins to read `key`'s cached prefix.
    mutating func use(_ key: Key) {
        uses += 1
        entries[key]?.readers += 1
        entries[key]?.lastUse = uses
    }

    /// A sequence stops reading `key`'s cached prefix (it finished, was aborted or preempted).
    mutating func release(_ key: Key) {
        entries[key]?.readers -= 1
        assert((entries[key]?.readers ?? 0) >= 0, "a prefix released more often than read")
    }

    /// Drops the least recently used prefix no sequence reads, other than those in `sparing` (the
    /// ones a request being admitted will read); its blocks, or nil when there is none to drop.
    mutating func evictLeastRecentlyUsedIdle(sparing: [Key] = []) -> Int? {
        // One pass, no copy: with conversations the cache holds an entry per recent history.
        var oldest: (key: Key, entry: Entry)?
        for (key, entry) in entries where entry.readers == 0 && entry.lastUse < (oldest?.entry.lastUse ?? .max) && !sparing.contains(key) {
            oldest = (key, entry)
        }
        guard let oldest else { return nil }
        entries[oldest.key] = nil
        return oldest.entry.blocks
    }
}
