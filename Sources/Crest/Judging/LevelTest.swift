import Foundation

/// How a level is judged while it runs: a group-sequential test of the budget.
///
/// The test looks at the first n₁ < n₂ < ... measured requests (in send order) and stops the level
/// at the first look whose verdict is clear. The error rate is spent over the looks by the Lan-DeMets
/// power family with ρ = 2: by look j, α·tⱼ², tⱼ = nⱼ / n_cap. Early looks need overwhelming
/// evidence (clear cases have it), and most of α is left for the cap, where levels close to their
/// limit are decided. Percentile counts cross exact boundaries that spend just that
/// (`GroupSequentialBoundaries`); the other tests give each look its own share, α·(tⱼ² − tⱼ₋₁²),
/// whose sum bounds the level's error rate (the union bound). A
/// look never waits for stragglers it does not need: a request still running past a latency limit
/// is already over it. Failed requests count as over every latency limit.
public struct LevelTest: Sendable, Equatable {
    public enum Mode: String, Sendable, Equatable, Codable {
        /// For levels on the way to the answer: stop as soon as the direction is clear, from a
        /// certificate or from point estimates well inside (or outside) the limits.
        case screening
        /// For the answer and its neighbour: stop only on a certificate, or at the cap.
        case confirmation
    }

    public let budget: Budget
    public let mode: Mode
    /// Measured requests at each look, increasing; the last is the cap.
    public let looks: [Int]
    /// The level's error rate, shared over the looks.
    public let alpha: Double
    /// Screening calls a level likely feasible when every point estimate is within this share of
    /// its limit, and likely infeasible when one exceeds its limit by the inverse share.
    public let screeningMargin: Double
    /// Requests, in send order, that count as one block when the test estimates how correlated
    /// they are (`DesignEffect`) and batches means: `Level.requestsPerBlock` of the level.
    public let requestsPerBlock: Int
    /// Failures already counted at other runs that bear on this level's error ceiling, and the
    /// requests they came from (`FailureEvidence`): used only to show the ceiling met, never to
    /// show it broken.
    public var errorEvidence: FailureEvidence?

    /// True for a confirmation whose error ceiling the evidence pooled from other levels
    /// (`errorEvidence`) settled before it began (`settlesErrorCeiling`): its own failures can
    /// still break the ceiling, never leave it open.
    public var errorCeilingSettled: Bool {
        mode == .confirmation && Self.settlesErrorCeiling(budget, evidence: errorEvidence, alpha: alpha)
    }

    /// True when `evidence` settles the budget's error ceiling for a confirmation at error rate
    /// `alpha`: at half of it (`FailureEvidence.settles`). The other half stays with the level's
    /// own sequential test of the ceiling when the pool does not settle it, so the two together
    /// keep the error rate.
    public static func settlesErrorCeiling(_ budget: Budget, evidence: FailureEvidence?, alpha: Double) -> Bool {
        guard let ceiling = budget.maxErrorRate, let evidence else { return false }
        return evidence.settles(ceiling: ceiling, alpha: alpha / 2)
    }

    /// Exceedances already counted at this very level by earlier runs, per latency constraint (in
    /// the budget's order): an independent sample of the same level, pooled into percentile tests
    /// so a confirmation does not repeat its screening from scratch.
    public var priorExceedances: [(over: Int, judged: Int)] = []

    /// Once decided, a screening level ends at once: its verdict is known, and requests still in
    /// flight would only cost time. A confirmation level keeps the load steady until its measured
    /// requests finish, so the statistics reported for the answer are complete.
    public var drainsMeasuredRequests: Bool { mode == .confirmation }

    public static func == (lhs: LevelTest, rhs: LevelTest) -> Bool {
        lhs.budget == rhs.budget && lhs.mode == rhs.mode && lhs.looks == rhs.looks && lhs.alpha == rhs.alpha
            && lhs.screeningMargin == rhs.screeningMargin && lhs.requestsPerBlock == rhs.requestsPerBlock && lhs.errorEvidence == rhs.errorEvidence
            && lhs.priorExceedances.map(\.over) == rhs.priorExceedances.map(\.over)
            && lhs.priorExceedances.map(\.judged) == rhs.priorExceedances.map(\.judged)
    }

    public init(budget: Budget, mode: Mode, looks: [Int], alpha: Double = 0.05, screeningMargin: Double = 0.9, requestsPerBlock: Int = 8) {
        precondition(!looks.isEmpty && zip(looks, looks.dropFirst()).allSatisfy { $0 < $1 }, "looks must increase")
        precondition(requestsPerBlock >= 1, "a block holds at least one request")
        self.budget = budget
        self.mode = mode
        self.looks = looks
        self.alpha = alpha
        self.screeningMargin = screeningMargin
        self.requestsPerBlock = requestsPerBlock
    }

    /// A confirmation that reaches its cap without a certificate calls its level *likely*
    /// feasible when every constraint is met at this error rate (a one-sided 85% bound inside the
    /// limit): the evidence of a full confirmation favours the level clearly, though not at 95%.
    /// (On the search benchmark when this came in, 0.25 gave as many answers within 2% of the
    /// optimum, 77.6%, but 97.6% of them within budget against 98.2% at 0.15.)
    public static let likelyAlpha = 0.15

    /// Screening calls a constraint likely broken by its point estimate only when its own test
    /// also shows it broken at this error rate, the rate at which small samples were already
    /// judged by their counts. (On the search benchmark when this came in, against the point
    /// estimate alone: 82.7% of answers within 2% of the optimum instead of 81.6%, and 75% instead
    /// of 74% on the noisy twins; at 20%, 82.2% and 76%.)
    public static let screeningBreakAlpha = 0.05

    /// The error rate spent by the end of look `index` (0-based): α·tⱼ².
    public func cumulativeAlpha(throughLook index: Int) -> Double {
        let now = Double(looks[index]) / Double(looks.last!)
        return alpha * now * now
    }

    /// The error rate spent at look `index` (0-based).
    public func alpha(atLook index: Int) -> Double {
        let cap = Double(looks.last!)
        let now = Double(looks[index]) / cap
        let before = index == 0 ? 0 : Double(looks[index - 1]) / cap
        return alpha * (now * now - before * before)
    }

    /// Looks at first, 2·first, 4·first... and finally `cap`.
    public static func doublingLooks(first: Int, cap: Int) -> [Int] {
        var looks: [Int] = []
        var n = first
        while n < cap {
            looks.append(n)
            n *= 2
        }
        looks.append(cap)
        return looks
    }

    /// The screening size of ../research/algorithms.md §2.2: max(32, 2N) requests, at least two cycles.
    public static func screeningSize(for level: Level) -> Int { max(32, 2 * level.concurrency) }

    /// The most measured requests any test may run: a p99.99 needs 29,956 without one over its
    /// limit to be certified, five times that to be certified a little under it. (A p99.9999999
    /// once ran a confirmation of 1,048,577 requests; a 0.0001% error ceiling would ask for 8 million.)
    public static let largestCap = 150_000

    /// The confirmation cap: enough requests to certify the budget's tightest statistic when it is
    /// a little under its limit (max(600, 4N) for p95, max(1,491, 4N) for p99: five times the
    /// ln α / ln p requests that certify it with none over; ../research/algorithms.md §2.3),
    /// and at least enough to certify a 1% error ceiling with a failure or two, unless the failure-free
    /// evidence of the other levels settled the ceiling (`errorCeilingSettled`).
    /// Never more than `largestCap`.
    public static func confirmationCap(for level: Level, budget: Budget, errorCeilingSettled: Bool = false) -> Int {
        var cap = Double(max(600, 4 * level.concurrency))
        for constraint in budget.latency {
            if case .percentile(let percentile) = constraint.statistic {
                // Zero exceedances certify at n ≥ ln α / ln p; allow about five times that.
                cap = max(cap, 5 * log(0.05) / log(percentile.fraction))
            }
        }
        if let ceiling = budget.maxErrorRate, ceiling > 0, !errorCeilingSettled { cap = max(cap, 8 / ceiling) }
        return Int(min(cap, Double(largestCap)).rounded(.up))
    }

    /// The screening test of `level`: looks at n_s and 2·n_s.
    public static func screening(_ budget: Budget, level: Level) -> LevelTest {
        let first = screeningSize(for: level)
        return LevelTest(budget: budget, mode: .screening, looks: [first, 2 * first], requestsPerBlock: level.requestsPerBlock)
    }

    /// The confirmation test of `level`: looks doubling from n_s to the cap, the failures of
    /// other levels pooled in (`errorEvidence`).
    public static func confirmation(_ budget: Budget, level: Level, alpha: Double = 0.05, errorEvidence: FailureEvidence? = nil) -> LevelTest {
        let settled = settlesErrorCeiling(budget, evidence: errorEvidence, alpha: alpha)
        var test = LevelTest(
            budget: budget, mode: .confirmation,
            looks: doublingLooks(first: screeningSize(for: level), cap: confirmationCap(for: level, budget: budget, errorCeilingSettled: settled)),
            alpha: alpha, requestsPerBlock: level.requestsPerBlock)
        test.errorEvidence = errorEvidence
        return test
    }
}
