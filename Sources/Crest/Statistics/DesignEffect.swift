/// How much correlation between requests inflates the variance of a count of events among them
/// (requests over a latency limit, failures), against the binomial variance that independent
/// requests would give: the design effect of survey sampling (Kish; Rao & Scott, JASA 76, 1981).
///
/// Requests of a level on a batching engine share batches, prefill stalls and queue states, so
/// those sent close together are over a limit together: on the simulator's profiles the count of
/// requests over a limit varies 1.2 to 2.8 times as much as a binomial count. A test that takes n
/// such requests for n independent draws certifies a level at its limit several times as often as
/// it says. Dividing the counts by the design effect (an effective sample of n / deff requests
/// with k / deff events) restores the error rate to first order.
///
/// The estimate groups the requests, in send order, into blocks of at least one cycle of the
/// clients (`LevelTest.requestsPerBlock`): correlation lives between requests that run at the same
/// time, so it shows up as variance between the blocks' counts, and as covariance between
/// neighbouring blocks, whose requests overlap in time (the last of one cycle run beside the first
/// of the next). The variance of a block's count plus twice that covariance, over the binomial
/// variance, is the estimate. It is never below 1: a level whose blocks vary less than binomially
/// is judged as independent requests, not as better than them.
///
/// What it cannot see: correlation longer than a sample. An endpoint that is slow in spells of
/// many cycles, a few times an hour, shows a level of a few hundred requests one spell or none;
/// no count of those requests tells how often spells come (on the test double, spells of 32
/// requests over 5% of them certified a p95 at its limit over 60% of the time).
public enum DesignEffect {
    /// Fewer complete blocks than this estimate the between-block variance too loosely to use;
    /// the effect is then taken as 1. (Three degrees of freedom: the estimate is noisy, and an
    /// upward error only makes the test more careful, a downward one is floored at 1.)
    public static let minimumBlocks = 4

    /// The percentile of a sample at which a percentile constraint's proxy design effect is
    /// estimated (see `SequentialJudge`): the constraint's own for a median or lower, else the 90th,
    /// which a tenth of the requests cross, enough to see them cluster in a few dozen.
    public static func proxyPercentile(for p: Double) -> Double { min(p, 0.9) }

    /// The design effect of the events counted in `eventsPerBlock`, blocks of `blockSize` requests
    /// in send order, nil for a block not yet complete; 1 when fewer than `minimumBlocks` are
    /// complete or none holds an event (nothing to estimate from).
    public static func estimate(eventsPerBlock: [Int?], blockSize: Int) -> Double {
        let complete = eventsPerBlock.compactMap { $0 }
        guard complete.count >= minimumBlocks, blockSize > 1 else { return 1 }
        let size = Double(blockSize)
        let rate = Double(complete.reduce(0, +)) / (Double(complete.count) * size)
        guard rate > 0, rate < 1 else { return 1 }
        let expected = rate * size
        func deviation(_ events: Int) -> Double { Double(events) - expected }
        let variance = complete.reduce(0) { $0 + deviation($1) * deviation($1) } / Double(complete.count - 1)
        let neighbours = zip(eventsPerBlock, eventsPerBlock.dropFirst()).compactMap { pair in pair.0.flatMap { a in pair.1.map { (a, $0) } } }
        // A negative covariance would shrink the effect below what the variance shows; it is left out.
        let covariance = neighbours.count >= minimumBlocks - 1
            ? max(0, neighbours.reduce(0) { $0 + deviation($1.0) * deviation($1.1) } / Double(neighbours.count)) : 0
        return max(1, (variance + 2 * covariance) / (size * rate * (1 - rate)))
    }

    /// The design effect of events marked request by request in send order (nil: not known yet),
    /// in blocks of `blockSize`; a block with a request not known, or cut short by the end, is left out.
    public static func estimate(eventsInSendOrder events: [Bool?], blockSize: Int) -> Double {
        let blocks = stride(from: 0, to: events.count, by: blockSize).map { start -> Int? in
            guard start + blockSize <= events.count else { return nil }
            let block = events[start..<start + blockSize]
            return block.contains(nil) ? nil : block.count { $0 == true }
        }
        return estimate(eventsPerBlock: blocks, blockSize: blockSize)
    }
}
