import Crest

/// Reads the gauges Crest compares with its own measurements from a Prometheus text page
/// (exposition format 0.0.4): vLLM's, TGI's and SGLang's names for requests running, requests
/// waiting and KV-cache use, and what their prefix caches served (vLLM's counters of prompt tokens
/// queried and hit, SGLang's hit-rate gauge). Series of one metric with different labels are summed.
public struct ServerGauges: Sendable, Equatable {
    public var running: Double?
    public var waiting: Double?
    public var kvCacheUsage: Double?
    /// vLLM's counters of prompt tokens looked up in its prefix cache, and of those found there.
    public var prefixCacheQueries: Double?
    public var prefixCacheHits: Double?
    /// SGLang's share of prompt tokens its radix cache served.
    public var cacheHitRate: Double?

    /// Metric names, by what they mean; the first present wins.
    static let runningNames = ["vllm:num_requests_running", "tgi_batch_current_size", "sglang:num_running_reqs"]
    static let waitingNames = ["vllm:num_requests_waiting", "tgi_queue_size", "sglang:num_queue_reqs"]
    /// vLLM renamed gpu_cache_usage_perc to kv_cache_usage_perc; both are fractions despite the name.
    static let kvCacheNames = ["vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc", "sglang:token_usage"]
    /// vLLM V1's counters, with and without the `_total` the Prometheus client appends.
    static let prefixQueryNames = ["vllm:prefix_cache_queries_total", "vllm:prefix_cache_queries"]
    static let prefixHitNames = ["vllm:prefix_cache_hits_total", "vllm:prefix_cache_hits"]
    static let cacheHitRateNames = ["sglang:cache_hit_rate"]

    public init(running: Double? = nil, waiting: Double? = nil, kvCacheUsage: Double? = nil) {
        self.running = running
        self.waiting = waiting
        self.kvCacheUsage = kvCacheUsage
    }

    /// Parses `text`; unknown metrics, comments and malformed lines are skipped.
    public init(prometheusText text: String) {
        var sums: [String: Double] = [:]
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            let name = line.prefix { $0 != "{" && $0 != " " }
            guard Self.isWanted(name) else { continue }
            // The value follows the name, or the closing brace of the labels.
            let afterLabels = line.lastIndex(of: "}").map { line[line.index(after: $0)...] } ?? line[name.endIndex...]
            guard let value = afterLabels.split(separator: " ").first.flatMap({ Double($0) }), value.isFinite else { continue }
            sums[String(name), default: 0] += value
        }
        running = Self.runningNames.lazy.compactMap { sums[$0] }.first
        waiting = Self.waitingNames.lazy.compactMap { sums[$0] }.first
        kvCacheUsage = Self.kvCacheNames.lazy.compactMap { sums[$0] }.first
        prefixCacheQueries = Self.prefixQueryNames.lazy.compactMap { sums[$0] }.first
        prefixCacheHits = Self.prefixHitNames.lazy.compactMap { sums[$0] }.first
        cacheHitRate = Self.cacheHitRateNames.lazy.compactMap { sums[$0] }.first
    }

    public var isEmpty: Bool {
        running == nil && waiting == nil && kvCacheUsage == nil && prefixCacheQueries == nil && cacheHitRate == nil
    }

    private static func isWanted(_ name: Substring) -> Bool {
        (runningNames + waitingNames + kvCacheNames + prefixQueryNames + prefixHitNames + cacheHitRateNames).contains { $0 == name }
    }
}

extension ServerMetrics {
    /// What a level's readings of the page said: the gauges averaged; the prefix cache's hit rate
    /// over the level, from vLLM's counters' growth between the first reading and the last (else
    /// SGLang's gauge, averaged). Nil when there was no reading.
    init?(readings: [ServerGauges]) {
        guard !readings.isEmpty else { return nil }
        func mean(_ value: (ServerGauges) -> Double?) -> Double? {
            let values = readings.compactMap(value)
            return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
        }
        var hitRate = mean(\.cacheHitRate)
        let counted = readings.filter { $0.prefixCacheQueries != nil && $0.prefixCacheHits != nil }
        if let first = counted.first, let last = counted.last, last.prefixCacheQueries! > first.prefixCacheQueries! {
            hitRate = (last.prefixCacheHits! - first.prefixCacheHits!) / (last.prefixCacheQueries! - first.prefixCacheQueries!)
        }
        self.init(
            scrapes: readings.count, runningMean: mean(\.running), waitingMean: mean(\.waiting), kvCacheUsageMean: mean(\.kvCacheUsage),
            prefixCacheHitRate: hitRate)
    }
}
