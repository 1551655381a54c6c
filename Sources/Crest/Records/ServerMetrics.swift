/// The endpoint's own view of a level, from its Prometheus `/metrics` page read during the level:
/// what vLLM and TGI say they were running and queueing, beside what Crest measured.
public struct ServerMetrics: Sendable, Equatable, Codable {
    /// How many times the page was read during the level.
    public let scrapes: Int
    /// Time-averages over the scrapes; nil when the server exports no such gauge.
    public let runningMean: Double?
    public let waitingMean: Double?
    /// KV-cache use, 0...1.
    public let kvCacheUsageMean: Double?
    /// The share of prompt tokens the endpoint's prefix cache served during the level, as its own
    /// counters say (vLLM's prefix_cache_hits over prefix_cache_queries; SGLang's cache_hit_rate).
    public let prefixCacheHitRate: Double?

    public init(scrapes: Int, runningMean: Double?, waitingMean: Double?, kvCacheUsageMean: Double?, prefixCacheHitRate: Double? = nil) {
        self.scrapes = scrapes
        self.runningMean = runningMean
        self.waitingMean = waitingMean
        self.kvCacheUsageMean = kvCacheUsageMean
        self.prefixCacheHitRate = prefixCacheHitRate
    }

    enum CodingKeys: String, CodingKey {
        case scrapes
        case runningMean = "running_mean"
        case waitingMean = "waiting_mean"
        case kvCacheUsageMean = "kv_cache_usage_mean"
        case prefixCacheHitRate = "prefix_cache_hit_rate"
    }
}
