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

    public init(scrapes: Int, runningMean: Double?, waitingMean: Double?, kvCacheUsageMean: Double?) {
        self.scrapes = scrapes
        self.runningMean = runningMean
        self.waitingMean = waitingMean
        self.kvCacheUsageMean = kvCacheUsageMean
    }

    enum CodingKeys: String, CodingKey {
        case scrapes
        case runningMean = "running_mean"
        case waitingMean = "waiting_mean"
        case kvCacheUsageMean = "kv_cache_usage_mean"
    }
}
