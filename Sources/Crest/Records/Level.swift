/// A concurrency level: N clients in a closed loop, each sending its next request as soon as its
/// last one ends.
public struct Level: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let concurrency: Int

    /// The most clients a level may have: far past any endpoint's concurrency (a live level is
    /// bounded sooner by the open-files limit), and small enough that every count and time derived
    /// from a level stays far inside an Int.
    public static let maximumConcurrency = 100_000

    public init(concurrency: Int) {
        precondition(concurrency > 0, "a level needs at least one client")
        self.concurrency = concurrency
    }

    /// How many completions to drop at the start of the level: max(N, 8). The first wave of N
    /// requests meets an idle (or differently loaded) server and is not representative; 8 covers
    /// tiny levels.
    public var warmupCompletions: Int { max(concurrency, 8) }

    /// The fewest consecutive requests (in send order) that statistics of the level treat as one
    /// independent unit: one cycle of its clients, the requests that run at the same time and
    /// share the engine's batches and stalls, and never fewer than 8, since one client's
    /// consecutive requests meet the same engine state too (a stall, a neighbour's long prefill).
    /// Batch means and design effects (`meanInterval`, `DesignEffect`) group requests by it.
    public var requestsPerBlock: Int { max(concurrency, 8) }

    public static func < (lhs: Level, rhs: Level) -> Bool { lhs.concurrency < rhs.concurrency }

    public var description: String { "\(concurrency)" }
}
