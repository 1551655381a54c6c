/// Reads the gauges Crest compares with its own measurements from a Prometheus text page
/// (exposition format 0.0.4): vLLM's, TGI's and SGLang's names for requests running, requests
/// waiting and KV-cache use. Series of one metric with different labels are summed.
public struct ServerGauges: Sendable, Equatable {
    public var running: Double?
    public var waiting: Double?
    public var kvCacheUsage: Double?

    /// Metric names, by what they mean; the first present wins.
    static let runningNames = ["vllm:num_requests_running", "tgi_batch_current_size", "sglang:num_running_reqs"]
    static let waitingNames = ["vllm:num_requests_waiting", "tgi_queue_size", "sglang:num_queue_reqs"]
    /// vLLM renamed gpu_cache_usage_perc to kv_cache_usage_perc; both are fractions despite the name.
    static let kvCacheNames = ["vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc", "sglang:token_usage"]

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
    }

    public var isEmpty: Bool { running == nil && waiting == nil && kvCacheUsage == nil }

    private static func isWanted(_ name: Substring) -> Bool {
        (runningNames + waitingNames + kvCacheNames).contains { $0 == name }
    }
}
