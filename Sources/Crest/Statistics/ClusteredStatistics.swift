/// Statistics of values that come in clusters: the inter-token gaps of a level, grouped by request.
///
/// Gaps of one request are not independent (they share its batch, its prompt, its place in the
/// queue), so intervals that treated every gap as a draw of its own would be far too narrow. The
/// request is the independent unit: shares and means are ratio estimators over requests, with the
/// standard cluster (linearisation) variance, and percentile intervals come from Woodruff's method:
/// an interval for the share of gaps at or under the point, mapped back through the pooled
/// distribution. Both lean on a normal approximation over requests, so they need a few dozen.
public struct ClusteredValues: Sendable {
    /// Each cluster's values; a failed request is one cluster holding +∞ (over any limit).
    public let clusters: [[Double]]
    private let pooled: [Double]

    public init(_ clusters: [[Double]]) {
        self.clusters = clusters
        pooled = clusters.flatMap { $0 }.sorted()
    }

    /// How many values in all.
    public var count: Int { pooled.count }

    /// The pooled mean of the finite values, with its interval; nil when there are none.
    public func mean(confidence: Double) -> Estimate? {
        let finite = clusters.map { $0.filter(\.isFinite) }.filter { !$0.isEmpty }
        let ratio = ClusterRatio(finite.map { ($0.reduce(0, +), Double($0.count)) })
        guard let ratio else { return nil }
        let half = SpecialFunctions.normalQuantile(0.5 + confidence / 2) * ratio.standardError
        return Estimate(value: ratio.value, lower: ratio.clusters >= 2 ? ratio.value - half : nil, upper: ratio.clusters >= 2 ? ratio.value + half : nil)
    }

    /// The pooled p-quantile (linear interpolation) with Woodruff's interval; nil when empty.
    public func quantile(_ p: Double, confidence: Double) -> Estimate? {
        guard let point = Crest.quantile(p, ofSorted: pooled, method: .linear) else { return nil }
        guard let share = shareAtOrUnder(point), share.clusters >= 2 else { return Estimate(value: point) }
        let half = SpecialFunctions.normalQuantile(0.5 + confidence / 2) * share.standardError
        let lower = p - half > 0 ? Crest.quantile(p - half, ofSorted: pooled, method: .linear) : nil
        let upper = p + half < 1 ? Crest.quantile(p + half, ofSorted: pooled, method: .linear) : nil
        return Estimate(value: point, lower: lower, upper: upper)
    }

    /// Tests "the pooled p-quantile ≤ limit", that is, "the share of values over the limit ≤ 1 − p",
    /// one-sided at `alpha`.
    ///
    /// "Met" also needs the exact request-level bound: the one-sided Clopper-Pearson upper bound on
    /// the share of requests with any value over the limit, times the share of values over it
    /// within those requests (1 when none was seen). Without it a rare clustered event passes on
    /// zero variance: when no value in the sample is over the limit the cluster standard error is
    /// 0, and 32 requests "showed" a p99 met for any α even where 3% of requests stall with 40% of
    /// their gaps over it (p99 broken). With it, a clean sample certifies a p99 from 299 requests.
    ///
    /// The clusters are in send order; requests that run together are correlated too (a stall
    /// slows every request in the batch), so with `requestsPerBlock` over 1 the standard error is
    /// the larger of the requests' and the blocks' (consecutive runs of that many requests), and
    /// the request-level bound is over an effective sample (`DesignEffect`).
    public func quantileTest(_ p: Double, limit: Double, alpha: Double, requestsPerBlock: Int = 1) -> TestOutcome {
        let counts = clusters.map { cluster in (over: Double(cluster.count { $0 > limit }), all: Double(cluster.count)) }
        guard let over = ClusterRatio(counts.map { (y: $0.over, x: $0.all) }, requestsPerBlock: requestsPerBlock), over.clusters >= 2 else {
            return .undecided
        }
        let outcome = Self.test(over, against: 1 - p, alpha: alpha)
        guard outcome == .met else { return outcome }
        let requests = counts.filter { $0.all > 0 }
        let affected = requests.filter { $0.over > 0 }
        let withinAffected = affected.isEmpty ? 1 : affected.reduce(0) { $0 + $1.over } / affected.reduce(0) { $0 + $1.all }
        let effect = DesignEffect.estimate(eventsInSendOrder: counts.map { $0.all > 0 ? $0.over > 0 : nil }, blockSize: requestsPerBlock)
        let requestShare = clopperPearsonUpper(successes: affected.count, trials: requests.count, alpha: alpha, designEffect: effect)
        return requestShare * withinAffected <= 1 - p ? .met : .undecided
    }

    /// Tests "the pooled mean ≤ limit", one-sided at `alpha`; with `requestsPerBlock` over 1, at the
    /// larger of the requests' and the blocks' standard errors, as `quantileTest` does.
    public func meanTest(limit: Double, alpha: Double, requestsPerBlock: Int = 1) -> TestOutcome {
        let sums = clusters.map { cluster in
            let finite = cluster.filter(\.isFinite)
            return (y: finite.reduce(0, +), x: Double(finite.count))
        }
        guard let mean = ClusterRatio(sums, requestsPerBlock: requestsPerBlock), mean.clusters >= 2 else { return .undecided }
        return Self.test(mean, against: limit, alpha: alpha)
    }

    private func shareAtOrUnder(_ value: Double) -> ClusterRatio? {
        ClusterRatio(clusters.map { cluster in (Double(cluster.count { $0 <= value }), Double(cluster.count)) })
    }

    private static func test(_ ratio: ClusterRatio, against bound: Double, alpha: Double) -> TestOutcome {
        let margin = SpecialFunctions.normalQuantile(1 - alpha) * ratio.standardError
        if ratio.value + margin <= bound { return .met }
        if ratio.value - margin > bound { return .broken }
        return .undecided
    }
}

/// Σ yᵢ / Σ xᵢ over clusters, with its linearisation standard error.
private struct ClusterRatio {
    let value: Double
    let standardError: Double
    let clusters: Int

    init?(_ pairs: [(y: Double, x: Double)]) {
        let used = pairs.filter { $0.x > 0 }
        let totalX = used.reduce(0) { $0 + $1.x }
        guard totalX > 0 else { return nil }
        let ratio = used.reduce(0) { $0 + $1.y } / totalX
        let m = Double(used.count)
        let squares = used.reduce(0) { $0 + ($1.y - ratio * $1.x) * ($1.y - ratio * $1.x) }
        value = ratio
        clusters = used.count
        standardError = used.count >= 2 ? (m / (m - 1) * squares).squareRoot() / totalX : .infinity
    }

    /// The ratio over `pairs` (clusters in send order) with the larger of two standard errors: the
    /// clusters' own, and that of blocks of `requestsPerBlock` consecutive clusters, which takes in
    /// the correlation between clusters that ran together once there are `DesignEffect.minimumBlocks`.
    init?(_ pairs: [(y: Double, x: Double)], requestsPerBlock: Int) {
        guard let own = ClusterRatio(pairs) else { return nil }
        value = own.value
        clusters = own.clusters
        let blocks = stride(from: 0, to: pairs.count, by: max(1, requestsPerBlock)).map { start in
            pairs[start..<min(start + requestsPerBlock, pairs.count)].reduce((y: 0.0, x: 0.0)) { ($0.y + $1.y, $0.x + $1.x) }
        }
        if requestsPerBlock > 1, let blocked = ClusterRatio(blocks), blocked.clusters >= DesignEffect.minimumBlocks {
            standardError = max(own.standardError, blocked.standardError)
        } else {
            standardError = own.standardError
        }
    }
}
