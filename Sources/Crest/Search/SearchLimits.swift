/// A total budget for a search: at most this many requests sent, or this much (real or simulated)
/// time. The search plans within it and says so if it ran out before deciding.
public struct SearchLimits: Sendable, Equatable, Codable {
    public let maxRequests: Int?
    public let maxSeconds: Double?
    /// The highest concurrency the search may try.
    public let maxConcurrency: Int

    public init(maxRequests: Int? = nil, maxSeconds: Double? = nil, maxConcurrency: Int = 1024) {
        self.maxRequests = maxRequests
        self.maxSeconds = maxSeconds
        self.maxConcurrency = maxConcurrency
    }

    public static let none = SearchLimits()
}
