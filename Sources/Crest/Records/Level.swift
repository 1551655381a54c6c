/// A concurrency level: N clients in a closed loop, each sending its next request as soon as its
/// last one ends.
public struct Level: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let concurrency: Int

    public init(concurrency: Int) {
        precondition(concurrency > 0, "a level needs at least one client")
        self.concurrency = concurrency
    }

    /// How many completions to drop at the start of the level: max(N, 8). The first wave of N
    /// requests meets an idle (or differently loaded) server and is not representative; 8 covers
    /// tiny levels.
    public var warmupCompletions: Int { max(concurrency, 8) }

    public static func < (lhs: Level, rhs: Level) -> Bool { lhs.concurrency < rhs.concurrency }

    public var description: String { "\(concurrency)" }
}
