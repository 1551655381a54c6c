/// The failures a level's error ceiling may be judged on, beyond its own: failures counted at
/// other levels of the same search, where they say something about this one.
///
/// Levels at and above it always count, up to the highest whose own error rate is within the
/// ceiling: failure rates do not fall as load rises, so their failures can only overstate this
/// level's rate, and levels past a quota or failure cliff would only loosen the bound. Levels below
/// it count too unless the failures rise with load: random failures (a flaky upstream, a 0.5% rate
/// of 5xx) say the same of every level, and a 0.5% rate takes about 2,500 requests to show under a
/// 1% ceiling, more than a level's confirmation has.
public struct FailureEvidence: Sendable, Equatable {
    public var failures: Int
    public var requests: Int

    public init(failures: Int, requests: Int) {
        self.failures = failures
        self.requests = requests
    }

    /// One measured level's count.
    public struct Level: Sendable {
        public let concurrency: Int
        public let failures: Int
        public let requests: Int

        public init(concurrency: Int, failures: Int, requests: Int) {
            self.concurrency = concurrency
            self.failures = failures
            self.requests = requests
        }
    }

    /// The evidence for `concurrency` from every level measured (a level measured twice appears twice).
    public static func pooled(for concurrency: Int, from levels: [Level], ceiling: Double) -> FailureEvidence {
        let atOrAbove = levels.filter { $0.concurrency >= concurrency }
        let clean = atOrAbove.filter { $0.requests > 0 && Double($0.failures) / Double($0.requests) <= ceiling }.map(\.concurrency).max() ?? concurrency
        let above = total(atOrAbove.filter { $0.concurrency <= clean })
        let below = total(levels.filter { $0.concurrency < concurrency })
        guard below.requests > 0, !failuresRise(above: above, below: below) else { return above }
        return FailureEvidence(failures: above.failures + below.failures, requests: above.requests + below.requests)
    }

    /// True when the failures at and above a level are more than their share of the requests,
    /// given all the failures counted, by a one-sided binomial test at 20%. A loose test, as pooling
    /// failures that do rise with load would flatter the level; with no evidence at and above, the
    /// levels below are not enough.
    static func failuresRise(above: FailureEvidence, below: FailureEvidence) -> Bool {
        guard above.requests > 0 else { return true }
        let failures = above.failures + below.failures
        guard failures > 0 else { return false }
        let share = Double(above.requests) / Double(above.requests + below.requests)
        let chanceOfAsMany = 1 - SpecialFunctions.binomialCDF(above.failures - 1, trials: failures, probability: share)
        return chanceOfAsMany < risingAlpha
    }

    static let risingAlpha = 0.2

    /// True when this evidence alone, gathered before a confirmation's first request, certifies
    /// the error ceiling at `alpha`: no failure in enough requests (at a 1% ceiling, 367 at
    /// α = 2.5%). The confirmation then tests its latency limits only, with a cap sized for them.
    /// Only failure-free evidence settles the ceiling: pooled counts cannot show how failures
    /// cluster (a stall fails a batch at once), so a few failures may be fewer than they look.
    public func settles(ceiling: Double, alpha: Double) -> Bool {
        failures == 0 && errorRateTest(failures: 0, of: requests, ceiling: ceiling, alpha: alpha) == .met
    }

    private static func total(_ levels: [Level]) -> FailureEvidence {
        FailureEvidence(failures: levels.reduce(0) { $0 + $1.failures }, requests: levels.reduce(0) { $0 + $1.requests })
    }
}
