/// A total budget for a search: at most this many requests sent, or this much (real or simulated)
/// time. The search plans within it and says so if it ran out before deciding.
public struct SearchLimits: Sendable, Equatable, Codable {
    public let maxRequests: Int?
    public let maxSeconds: Double?
    /// The highest concurrency the search may try.
    public let maxConcurrency: Int

    /// The highest level a search tries unless told otherwise.
    public static let standardMaxConcurrency = 1024

    public init(maxRequests: Int? = nil, maxSeconds: Double? = nil, maxConcurrency: Int = standardMaxConcurrency) {
        self.maxRequests = maxRequests
        self.maxSeconds = maxSeconds
        self.maxConcurrency = maxConcurrency
    }

    public static let none = SearchLimits()

    /// The fewest requests a search can decide anything with: its first level's warm-up and first
    /// look at one client. A total budget below it could only be overspent.
    public static var minimumRequests: Int {
        let first = Level(concurrency: 1)
        return first.warmupCompletions + LevelTest.screeningSize(for: first)
    }

    /// The same limits with the highest concurrency lowered to `maximum`.
    public func capped(atConcurrency maximum: Int) -> SearchLimits {
        SearchLimits(maxRequests: maxRequests, maxSeconds: maxSeconds, maxConcurrency: min(maxConcurrency, maximum))
    }
}
