/// Where a running level stands, for a progress line: how many of its measured requests have
/// finished against what its test needs next, how long it has run, and the running estimate of
/// the budget's statistic closest to its limit.
public struct LevelProgress: Sendable, Equatable {
    /// A budgeted statistic over the measured requests finished so far.
    public struct Estimate: Sendable, Equatable {
        public let constraint: Constraint
        /// Seconds, or for the error rate a share.
        public let value: Double

        public init(constraint: Constraint, value: Double) {
            self.constraint = constraint
            self.value = value
        }

        /// The statistic over its limit: under 1 is inside the budget.
        public var ratio: Double { constraint.ratio(of: value) }
    }

    public let concurrency: Int
    /// Since the level started, in seconds.
    public let elapsedSeconds: Double
    /// False during the warm-up, before the measured window opens.
    public let isMeasuring: Bool
    /// Measured requests finished so far.
    public let finished: Int
    /// The measured requests the level's rule waits for next: the sequential test's current look,
    /// or a fixed count; nil for a level measured for a duration.
    public let needed: Int?
    public let estimate: Estimate?

    public init(concurrency: Int, elapsedSeconds: Double, isMeasuring: Bool, finished: Int, needed: Int?, estimate: Estimate?) {
        self.concurrency = concurrency
        self.elapsedSeconds = elapsedSeconds
        self.isMeasuring = isMeasuring
        self.finished = finished
        self.needed = needed
        self.estimate = estimate
    }
}
