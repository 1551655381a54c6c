import Crest

/// One sentence on what the endpoint's own /metrics said at a level, beside what Crest measured;
/// nil when the page was not read.
enum EndpointView {
    static func sentence(for level: LevelResult) -> String? {
        guard let metrics = level.summary.serverMetrics else { return nil }
        var parts: [String] = []
        if let running = metrics.runningMean { parts.append("\(NumberFormatting.significant(running, digits: 3)) requests running") }
        if let waiting = metrics.waitingMean { parts.append("\(NumberFormatting.significant(waiting, digits: 3)) waiting") }
        if let kv = metrics.kvCacheUsageMean { parts.append("\(NumberFormatting.significant(kv * 100, digits: 3))% of its KV cache in use") }
        guard !parts.isEmpty else { return nil }
        return "The endpoint's /metrics (read \(metrics.scrapes) times) at concurrency \(level.summary.concurrency): on average "
            + parts.joined(separator: ", ")
            + "; Crest measured \(NumberFormatting.significant(level.summary.achievedConcurrency, digits: 3)) requests in flight."
    }
}
