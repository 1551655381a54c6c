/// perf_analyzer's rule for ending a level (Triton perf_analyzer, `--stability-percentage`,
/// count windows): measure windows of a fixed number of completed requests, and stop when the last
/// few agree within a tolerance on both throughput and latency, or after a maximum of windows.
/// Crest's baselines that imitate perf_analyzer and Model Analyzer measure their levels this way.
public struct StabilityRule: Sendable, Equatable {
    public let windowRequests: Int
    public let stableWindows: Int
    /// Max/min of the last windows must be at most 1 + tolerance.
    public let tolerance: Double
    public let maxWindows: Int
    /// The latency statistic compared across windows (perf_analyzer compares the average, or the
    /// percentile given by --percentile).
    public let latency: LatencyConstraint

    public init(windowRequests: Int = 50, stableWindows: Int = 3, tolerance: Double = 0.10, maxWindows: Int = 10, latency: LatencyConstraint) {
        self.windowRequests = windowRequests
        self.stableWindows = stableWindows
        self.tolerance = tolerance
        self.maxWindows = maxWindows
        self.latency = latency
    }
}

/// Tracks windows for a `StabilityRule`.
struct StabilityTracker: Sendable {
    let rule: StabilityRule
    private var current: [Sample] = []
    private var windows: [(throughput: Double, latency: Double)] = []

    init(rule: StabilityRule) {
        self.rule = rule
    }

    /// Adds a measured completion; returns true when the level may stop.
    mutating func add(_ sample: Sample) -> Bool {
        current.append(sample)
        guard current.count >= rule.windowRequests else { return false }
        let first = current.map(\.finishedAt).min()!
        let last = current.map(\.finishedAt).max()!
        let throughput = Double(current.count) / max(Double(last - first) / 1e9, 1e-9)
        // A request without a value of its own (a one-token answer's TPOT; ITL, which has no
        // per-request value) weighs as 0: windows are then compared on throughput alone.
        let values = current.map { $0.budgetValue(of: rule.latency.metric) ?? 0 }
        let latency: Double
        switch rule.latency.statistic {
        case .mean:
            let finite = values.filter(\.isFinite)
            latency = finite.isEmpty ? .infinity : finite.reduce(0, +) / Double(finite.count)
        case .percentile(let percentile):
            latency = quantile(percentile.fraction, ofSorted: values.sorted(), method: .linear) ?? .infinity
        }
        windows.append((throughput, latency))
        current.removeAll(keepingCapacity: true)
        if windows.count >= rule.maxWindows { return true }
        guard windows.count >= rule.stableWindows else { return false }
        let recent = windows.suffix(rule.stableWindows)
        return isStable(recent.map(\.throughput)) && isStable(recent.map(\.latency))
    }

    private func isStable(_ values: [Double]) -> Bool {
        guard let low = values.min(), let high = values.max(), low > 0, high.isFinite else { return false }
        return high / low <= 1 + rule.tolerance
    }
}
