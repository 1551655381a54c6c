/// Runs a `LevelTest` while a level runs: told of each measured request as it is sent, gets its
/// first token and finishes, it keeps per-constraint counts of requests known to be over or under
/// each limit, and reports a `LevelDecision` as soon as the current look can decide.
///
/// Validity: a look tests a fixed set, the first nⱼ measured requests. While they resolve, the count
/// of requests known over a limit only grows and the count of those not known under only shrinks,
/// so the first time either crosses its threshold, the fully resolved look would cross it too: a
/// decision taken early is the one the look would take, and costs no extra error rate.
///
/// Correlation: the count thresholds are those of an effective sample, the counts divided by the
/// design effect (`DesignEffect`) estimated from the blocks of requests whose sides are all known
/// so far. The thresholds move when a block completes; an early decision is taken on the design
/// effect known at that moment, which the rest of the look's blocks refine.
///
/// Requests without a value of the metric (the TPOT of a one-token answer) are left out of its
/// statistic, as the verdict leaves them out of the distribution it reports: a look's sample for
/// that constraint is its requests that have one.
struct SequentialJudge: Sendable {
    enum State: UInt8 { case unknown, over, under, excluded }

    /// One constraint's bookkeeping.
    struct Tracker: Sendable {
        let constraint: Constraint
        /// The latency limit in ns for latency constraints; nil for the error ceiling.
        let limitNanoseconds: Int64?
        var states: [State] = []
        var over = 0
        var under = 0
        /// The look's requests left out of the statistic: they have no value of the metric.
        var excluded = 0
        /// The first request index whose elapsed time may still cross the limit (censoring).
        var cursor = 0
        /// Thresholds for the current look: met when known-over plus unknown ≤ metMax; broken when known-over ≥ brokenMin.
        var metMax = -1
        var brokenMin = Int.max
        /// The last look's met threshold at the "likely" error rate, for the futility rule; nil for
        /// mean constraints.
        var finalMetMax: Int?
        /// Requests over the limit (or failed) and requests of known side, per block of
        /// `LevelTest.requestsPerBlock` measured requests in send order.
        var overInBlock: [Int] = []
        var knownInBlock: [Int] = []
        /// How many blocks have every request's side known.
        var completeBlocks = 0
        /// The larger of the design effects of the requests over the limit and over the proxy
        /// threshold (`proxyDesignEffect`); divides the counts the thresholds are computed on.
        var designEffect = 1.0
        /// The design effect of the requests over the proxy threshold, last estimated when
        /// `proxyBlocks` blocks were complete.
        var proxyEffect = 1.0
        var proxyBlocks = 0
    }

    let test: LevelTest
    /// `test.errorCeilingSettled`, read once: the error tracker's thresholds move with every block.
    private let errorCeilingSettled: Bool
    private(set) var trackers: [Tracker]
    private var sentAt: [Int64] = []
    private var firstTokenAt: [Int64?] = []
    private(set) var samples: [Sample?] = []
    /// Finished requests among the current look's.
    private var finishedInLook = 0
    private var look = 0
    /// The first measured request not yet finished (all before it have).
    private var firstUnfinished = 0
    private(set) var decision: LevelDecision?

    init(test: LevelTest) {
        errorCeilingSettled = test.errorCeilingSettled
        self.test = test
        var trackers = test.budget.latency.map { constraint in
            Tracker(constraint: .latency(constraint), limitNanoseconds: Int64((constraint.limitSeconds * 1e9).rounded()))
        }
        if let ceiling = test.budget.maxErrorRate {
            trackers.append(Tracker(constraint: .errorRate(max: ceiling), limitNanoseconds: nil))
        }
        self.trackers = trackers
        prepareLook()
    }

    var lookSize: Int { test.looks[look] }

    // MARK: - Events

    /// A measured request was sent; returns its index.
    mutating func sent(at time: Int64) -> Int {
        sentAt.append(time)
        firstTokenAt.append(nil)
        samples.append(nil)
        for index in trackers.indices { trackers[index].states.append(.unknown) }
        return sentAt.count - 1
    }

    mutating func firstToken(_ index: Int, at time: Int64) {
        firstTokenAt[index] = time
    }

    mutating func finished(_ index: Int, _ sample: Sample) {
        samples[index] = sample
        if index < lookSize { finishedInLook += 1 }
        while firstUnfinished < samples.count, samples[firstUnfinished] != nil { firstUnfinished += 1 }
        for tracker in trackers.indices where trackers[tracker].states[index] == .unknown {
            set(tracker, index, to: state(of: sample, for: trackers[tracker]))
        }
    }

    /// Brings censoring up to `now` and returns the decision once there is one.
    mutating func advance(to now: Int64) -> LevelDecision? {
        guard decision == nil else { return decision }
        censor(at: now)
        while decision == nil {
            if let reached = decide() {
                decision = reached
            } else if isLookResolved && look + 1 < test.looks.count {
                look += 1
                prepareLook()
            } else {
                break
            }
        }
        return decision
    }

    /// When the earliest still-unfinished measured request was sent; nil when all have finished.
    var earliestUnfinishedSentAt: Int64? {
        firstUnfinished < sentAt.count ? sentAt[firstUnfinished] : nil
    }

    // MARK: - Per-request states

    private func state(of sample: Sample, for tracker: Tracker) -> State {
        guard sample.outcome.isSuccess else { return .over }
        guard case .latency(let constraint) = tracker.constraint else { return .under }
        // Inter-token gaps are judged pooled at each look (`resolvedOutcome`); a request's state
        // only says it has finished. A one-token answer has no TPOT: it is left out, as the
        // verdict leaves it out (counted under the limit, it would dilute the share over it).
        guard let value = sample.budgetValue(of: constraint.metric) else { return constraint.metric == .itl ? .under : .excluded }
        return value <= constraint.limitSeconds ? .under : .over
    }

    /// Marks as over the requests still unanswered past a latency limit: they cannot come in under it.
    private mutating func censor(at now: Int64) {
        for index in trackers.indices {
            guard let limit = trackers[index].limitNanoseconds, case .latency(let constraint) = trackers[index].constraint,
                // TTFA is known only at the end (no answer-token event reaches the judge): a request
                // still running past the limit may have begun its answer in time.
                constraint.metric != .tpot, constraint.metric != .itl, constraint.metric != .ttfa
            else { continue }
            while trackers[index].cursor < sentAt.count {
                let request = trackers[index].cursor
                if trackers[index].states[request] == .unknown {
                    // A first token that came in time settles TTFT's side unless the request fails later.
                    if constraint.metric == .ttft, let first = firstTokenAt[request], first - sentAt[request] <= limit {
                        trackers[index].cursor += 1
                        continue
                    }
                    guard now - sentAt[request] > limit else { break }
                    set(index, request, to: .over)
                }
                trackers[index].cursor += 1
            }
        }
    }

    private mutating func set(_ tracker: Int, _ request: Int, to state: State) {
        trackers[tracker].states[request] = state
        countInBlock(tracker, request, over: state == .over)
        guard request < lookSize else { return }
        switch state {
        case .over: trackers[tracker].over += 1
        case .under: trackers[tracker].under += 1
        case .excluded:
            // The look's sample for this constraint shrinks: its thresholds move with it.
            trackers[tracker].excluded += 1
            updateThresholds(of: tracker)
        case .unknown: break
        }
    }

    /// Counts a request whose side became known in its block; when the block completes, estimates
    /// the design effect again and moves the thresholds if it changed. (A request left out of the
    /// statistic counts as known and not over: blocks keep their size, and such requests are few.)
    private mutating func countInBlock(_ index: Int, _ request: Int, over: Bool) {
        let block = request / test.requestsPerBlock
        while trackers[index].knownInBlock.count <= block {
            trackers[index].knownInBlock.append(0)
            trackers[index].overInBlock.append(0)
        }
        trackers[index].knownInBlock[block] += 1
        if over { trackers[index].overInBlock[block] += 1 }
        guard trackers[index].knownInBlock[block] == test.requestsPerBlock else { return }
        trackers[index].completeBlocks += 1
        let complete = trackers[index].completeBlocks
        if complete >= DesignEffect.minimumBlocks, Double(complete) >= 1.25 * Double(trackers[index].proxyBlocks) {
            trackers[index].proxyEffect = proxyDesignEffect(of: index)
            trackers[index].proxyBlocks = complete
        }
        let tracker = trackers[index]
        let own = DesignEffect.estimate(
            eventsPerBlock: tracker.knownInBlock.indices.map { tracker.knownInBlock[$0] == test.requestsPerBlock ? tracker.overInBlock[$0] : nil },
            blockSize: test.requestsPerBlock)
        let effect = max(own, trackers[index].proxyEffect)
        guard effect != trackers[index].designEffect else { return }
        trackers[index].designEffect = effect
        updateThresholds(of: index)
    }

    /// The design effect of a percentile constraint's requests over a lower threshold: the
    /// complete blocks' own `DesignEffect.proxyPercentile`. A sample with no request over the limit,
    /// or a handful, cannot show how they cluster (the estimate from them is 1); correlated
    /// requests then come in under it together as well, which a 128-request run of a level at its
    /// p95 limit did 4.5% of the time with slow spells, against 0.2% for independent requests. The
    /// same requests over a threshold they cross often show how the endpoint's slow spells group
    /// them. (Recomputed as the complete blocks grow by a quarter: the threshold moves with them.)
    private func proxyDesignEffect(of index: Int) -> Double {
        guard case .latency(let constraint) = trackers[index].constraint, case .percentile(let percentile) = constraint.statistic,
            constraint.metric != .itl
        else { return 1 }
        let size = test.requestsPerBlock
        let known = trackers[index].knownInBlock
        // Requests of complete blocks only; one still running there is over the limit (censored);
        // one without a value (−∞ here) is left out of the threshold and is never over it.
        let values = (0..<known.count * size).map { request -> Double? in
            guard known[request / size] == size else { return nil }
            return samples[request].map { $0.budgetValue(of: constraint.metric) ?? -.infinity } ?? .infinity
        }
        let percentileValue = DesignEffect.proxyPercentile(for: percentile.fraction)
        let valued = values.compactMap { $0 }.filter { $0 > -.infinity }.sorted()
        guard let threshold = quantile(percentileValue, ofSorted: valued, method: .linear) else { return 1 }
        return DesignEffect.estimate(eventsInSendOrder: values.map { $0.map { $0 > threshold } }, blockSize: size)
    }

    // MARK: - Looks

    /// Counts the requests the new look adds and computes its thresholds.
    private mutating func prepareLook() {
        let n = lookSize
        let previous = look == 0 ? 0 : test.looks[look - 1]
        finishedInLook += (previous..<min(n, sentAt.count)).count { samples[$0] != nil }
        for index in trackers.indices {
            for request in previous..<min(n, sentAt.count) {
                switch trackers[index].states[request] {
                case .over: trackers[index].over += 1
                case .under: trackers[index].under += 1
                case .excluded: trackers[index].excluded += 1
                case .unknown: break
                }
            }
            updateThresholds(of: index)
        }
    }

    /// A count constraint's thresholds for the current look, and for the last look at the
    /// "likely" error rate (futility), at its current design effect.
    private mutating func updateThresholds(of index: Int) {
        guard let thresholds = sequentialBoundaries(of: index) ?? thresholds(of: index, at: lookSize, alpha: test.alpha(atLook: look)) else {
            return
        }
        trackers[index].metMax = thresholds.metMax
        trackers[index].brokenMin = thresholds.brokenMin
        if let cap = test.looks.last {
            trackers[index].finalMetMax = self.thresholds(of: index, at: cap, alpha: LevelTest.likelyAlpha)?.metMax
        }
    }

    /// A percentile constraint's thresholds for the current look from the exact group-sequential
    /// boundaries (`GroupSequentialBoundaries`) over the effective sample: the looks' pooled
    /// sizes divided by the design effect, rounded up to a tenth (more careful, and few enough
    /// values to remember the boundaries of), and the effective counts scaled back. Nil for other
    /// constraints, whose looks spend their share of α on their own (the union bound).
    ///
    /// Where requests are left out of the statistic, the sizes shrink by the share that has a
    /// value (`valuedShare`, folded into the rounded effect), and counts scale back by the effect
    /// times that share: never below the design effect, so the thresholds only grow more careful.
    private func sequentialBoundaries(of index: Int) -> (metMax: Int, brokenMin: Int)? {
        guard case .latency(let constraint) = trackers[index].constraint, case .percentile(let percentile) = constraint.statistic,
            constraint.metric != .itl
        else { return nil }
        let prior = priorEvidence(of: index)
        let share = valuedShare(of: index)
        let effect = (trackers[index].designEffect / share * 10).rounded(.up) / 10
        let sizes = test.looks.map { Int((Double($0 + prior.judged) / effect).rounded(.down)) }
        guard sizes[0] > 0, zip(sizes, sizes.dropFirst()).allSatisfy({ $0 < $1 }) else { return nil }
        let boundaries = GroupSequentialBoundaries.both(
            sizes: sizes, rate: 1 - percentile.fraction, cumulativeAlpha: test.looks.indices.map { test.cumulativeAlpha(throughLook: $0) })
        let lower = boundaries.lower[look]
        let upper = boundaries.upper[look]
        let metMax = lower < 0 ? -1 : Int((Double(lower) * effect * share).rounded(.down))
        let brokenMin = upper == .max ? .max : Int((Double(upper) * effect * share).rounded(.up))
        return (metMax - prior.over, brokenMin == .max ? .max : brokenMin - prior.over)
    }

    /// A count constraint's thresholds for a look of `n` requests: met while requests over (or not
    /// known under) ≤ metMax; broken once requests over ≥ brokenMin. Nil for mean constraints.
    private func thresholds(of index: Int, at n: Int, alpha: Double) -> (metMax: Int, brokenMin: Int)? {
        switch trackers[index].constraint {
        case .latency(let constraint):
            guard case .percentile(let percentile) = constraint.statistic, constraint.metric != .itl else { return nil }
            // Exceedances from earlier runs at this level pool in: the thresholds are on the
            // pooled count, shifted by what the earlier runs contributed.
            let prior = priorEvidence(of: index)
            let pooled = valued(n, of: index) + prior.judged
            let effect = trackers[index].designEffect
            func test(_ k: Int) -> TestOutcome {
                exceedanceTest(exceedances: k, of: pooled, percentile: percentile.fraction, alpha: alpha, designEffect: effect)
            }
            return (largestCount(upTo: pooled) { test($0) == .met } - prior.over, smallestCount(upTo: pooled) { test($0) == .broken } - prior.over)
        case .errorRate(let ceiling):
            // The ceiling is met by this level's own failures, or by them pooled with the earlier
            // evidence (`FailureEvidence`), whichever shows it; pooling never shows it broken.
            let effect = trackers[index].designEffect
            func test(_ k: Int, of n: Int) -> TestOutcome { errorRateTest(failures: k, of: n, ceiling: ceiling, alpha: alpha, designEffect: effect) }
            let broken = smallestCount(upTo: n) { test($0, of: n) == .broken }
            if errorCeilingSettled { return (n, broken) }
            let own = largestCount(upTo: n) { test($0, of: n) == .met }
            var pooledMax = -1
            let prior = priorEvidence(of: index)
            if prior.judged > 0 {
                let pooled = n + prior.judged
                pooledMax = largestCount(upTo: pooled) { test($0, of: pooled) == .met } - prior.over
                // Failure-free so far, the pooled requests settle the ceiling once they are as many
                // as would have settled it before the level began (`LevelTest.errorCeilingSettled`).
                // Both rules certify on one event, the first requests of the pooled sequence (the
                // other levels' first, then this one's) all succeeding, so together they spend the
                // α/2 of the first alone, however many looks ask.
                if prior.over == 0, self.test.mode == .confirmation,
                    FailureEvidence(failures: 0, requests: pooled).settles(ceiling: ceiling, alpha: self.test.alpha / 2)
                {
                    pooledMax = max(pooledMax, 0)
                }
            }
            return (max(own, pooledMax), broken)
        }
    }

    /// Futility (a non-binding boundary, so it costs no error rate): true when some undecided count
    /// constraint would be met at the last look, even at the looser bound that makes a level likely
    /// feasible, with under `futilityChance`, at an optimistic reading of the rate seen so far.
    /// Certifying and "likely" are then out of reach, and running to the cap would only spend
    /// requests on a level that stays borderline. (At a 10% chance and the point estimate of the
    /// rate, the search benchmark lost 5 points of answers within 2% of the optimum. Judged against
    /// the certificate rather than "likely", it stopped a level with a 0.5% failure rate against a
    /// 1% ceiling whenever its first 270 requests held 4 failures: 3.4 points fewer answers within 2%.)
    private func isFutile(_ outcomes: [TestOutcome]) -> Bool {
        guard test.mode == .confirmation, let cap = test.looks.last, lookSize < cap else { return false }
        return trackers.indices.contains { index in
            let tracker = trackers[index]
            guard outcomes[index] == .undecided, let finalMetMax = tracker.finalMetMax, tracker.over > 0 else { return false }
            // An optimistic rate, the 80% lower confidence bound of the rate seen, over this run's
            // requests and the earlier evidence its thresholds pool: a few dozen requests estimate
            // it too loosely to give up on. (On their own, two random failures in the first 64
            // stopped the answer's confirmation where hundreds of requests before had shown a
            // 0.4% failure rate, and the search stepped down a quarter of its throughput.)
            // Whichever reading is lower: futility gives up only when even that cannot certify.
            let prior = priorEvidence(of: index)
            let judged = lookSize - tracker.excluded
            let rate = min(optimisticRate(over: tracker.over, of: judged), optimisticRate(over: tracker.over + prior.over, of: judged + prior.judged))
            let remaining = valued(cap, of: index) - judged
            return SpecialFunctions.binomialCDF(finalMetMax - tracker.over, trials: remaining, probability: rate) < Self.futilityChance
        }
    }

    /// The share of the look's requests that a constraint's statistic counts: those not left out
    /// for want of a value (`State.excluded`). Those still running count as having one, so the
    /// share can only fall as they finish: thresholds on it stay valid for the resolved look.
    func valuedShare(of index: Int) -> Double {
        Double(lookSize - trackers[index].excluded) / Double(lookSize)
    }

    /// How many of `n` requests a constraint's statistic counts, at the look's `valuedShare`:
    /// exactly the look's own for n = `lookSize`, a projection for a later look.
    private func valued(_ n: Int, of index: Int) -> Int {
        n == lookSize ? n - trackers[index].excluded : Int((Double(n) * valuedShare(of: index)).rounded())
    }

    /// The 80% lower confidence bound of a rate of `over` in `n`.
    private func optimisticRate(over: Int, of n: Int) -> Double {
        SpecialFunctions.inverseRegularizedIncompleteBeta(a: Double(over), b: Double(n - over + 1), probability: 0.2)
    }

    /// The earlier runs' count of requests over a constraint's limit, and of requests judged, that
    /// its thresholds pool in: exceedances at this level, failures as `FailureEvidence` pools them.
    private func priorEvidence(of index: Int) -> (over: Int, judged: Int) {
        switch trackers[index].constraint {
        case .latency: return index < test.priorExceedances.count ? test.priorExceedances[index] : (0, 0)
        case .errorRate: return (test.errorEvidence?.failures ?? 0, test.errorEvidence?.requests ?? 0)
        }
    }

    /// Below this chance of certifying by the cap, a confirmation stops as borderline.
    static let futilityChance = 0.05

    /// True when the look's requests have all been sent and every constraint knows their side.
    private var isLookResolved: Bool {
        sentAt.count >= lookSize && trackers.allSatisfy { $0.over + $0.under + $0.excluded == lookSize }
            && (finishedInLook == lookSize || !needsFinishedRequests)
    }

    /// Mean and ITL constraints need finished requests, not just sides.
    private var needsFinishedRequests: Bool {
        test.budget.latency.contains { $0.statistic == .mean || $0.metric == .itl }
    }

    private func outcome(of index: Int) -> TestOutcome {
        let tracker = trackers[index]
        switch tracker.constraint {
        case .latency(let constraint) where constraint.metric == .itl || constraint.statistic == .mean:
            // Means and pooled gaps are judged on the look's finished requests.
            return isLookResolved ? resolvedOutcome(index, alpha: test.alpha(atLook: look)) : .undecided
        default:
            if tracker.over >= tracker.brokenMin { return .broken }
            return lookSize - tracker.under - tracker.excluded <= tracker.metMax ? .met : .undecided
        }
    }

    private mutating func decide() -> LevelDecision? {
        let outcomes = trackers.indices.map(outcome)
        if outcomes.contains(.broken) { return make(feasible: false, certainty: .certified, outcomes: outcomes) }
        if outcomes.allSatisfy({ $0 == .met }) { return make(feasible: true, certainty: .certified, outcomes: outcomes) }
        guard isLookResolved else { return nil }
        let ratios = trackers.map(pointRatio)
        if test.mode == .screening {
            if ratios.allSatisfy({ $0 <= test.screeningMargin }) { return make(feasible: true, certainty: .likely, outcomes: outcomes) }
            if ratios.indices.contains(where: { ratios[$0] > 1 / test.screeningMargin && isClearlyBroken($0) }) {
                return make(feasible: false, certainty: .likely, outcomes: outcomes)
            }
        }
        guard look + 1 == test.looks.count || isFutile(outcomes) else { return nil }
        if test.mode == .confirmation, look + 1 == test.looks.count, trackers.indices.allSatisfy({ isLikelyMet($0, outcomes[$0]) }) {
            return make(feasible: true, certainty: .likely, outcomes: outcomes)
        }
        // Undecided: the side of the point estimates; a screening's side is feasible unless a
        // constraint is clearly broken, as its looser point estimates alone do not show it.
        let feasible = test.mode == .screening
            ? !ratios.indices.contains { ratios[$0] > 1 && isClearlyBroken($0) } : ratios.allSatisfy { $0 <= 1 }
        return make(feasible: feasible, certainty: .borderline, outcomes: outcomes)
    }

    /// True when a constraint is broken at `LevelTest.screeningBreakAlpha`, the condition for a
    /// screening to call it likely broken by its point estimate. A screening's point estimate is
    /// loose: a high percentile sits on a handful of requests, and failures count as over the
    /// limit (three in 265 requests, which a 0.5% failure rate shows a fifth of the time, make a
    /// p99 infinite); a mean of 60 chat requests is off by a fifth now and then. A false "likely
    /// broken" caps the whole search; a level left undecided is only measured on.
    private func isClearlyBroken(_ index: Int) -> Bool {
        resolvedOutcome(index, alpha: LevelTest.screeningBreakAlpha) == .broken
    }

    /// True when a constraint the full confirmation left undecided is met at the looser
    /// `LevelTest.likelyAlpha`: its one-sided 85% bound is inside the limit.
    private func isLikelyMet(_ index: Int, _ outcome: TestOutcome) -> Bool {
        outcome == .met || resolvedOutcome(index, alpha: LevelTest.likelyAlpha) == .met
    }

    /// A constraint's test at error rate `alpha` over the current look, once it is resolved.
    private func resolvedOutcome(_ index: Int, alpha: Double) -> TestOutcome {
        let tracker = trackers[index]
        switch tracker.constraint {
        case .latency(let constraint) where constraint.metric == .itl:
            let gaps = interTokenGaps(upTo: lookSize)
            switch constraint.statistic {
            case .mean: return gaps.meanTest(limit: constraint.limitSeconds, alpha: alpha, requestsPerBlock: test.requestsPerBlock)
            case .percentile(let percentile):
                return gaps.quantileTest(percentile.fraction, limit: constraint.limitSeconds, alpha: alpha, requestsPerBlock: test.requestsPerBlock)
            }
        case .latency(let constraint) where constraint.statistic == .mean:
            return meanTest(
                values(of: constraint, upTo: lookSize).filter(\.isFinite), limit: constraint.limitSeconds, alpha: alpha,
                valuesPerBatch: test.requestsPerBlock)
        default:
            guard let thresholds = thresholds(of: index, at: lookSize, alpha: alpha) else { return .undecided }
            if tracker.over >= thresholds.brokenMin { return .broken }
            return lookSize - tracker.under - tracker.excluded <= thresholds.metMax ? .met : .undecided
        }
    }

    private func make(feasible: Bool, certainty: Certainty, outcomes: [TestOutcome]) -> LevelDecision {
        LevelDecision(
            isFeasible: feasible, certainty: certainty, look: look + 1, requests: lookSize,
            constraints: zip(trackers, outcomes).map { tracker, outcome in
                // Judged are the look's requests whose side is known: a decision taken before the
                // look resolved leaves some running, and counting them as judged would, pooled into
                // a later run, count them as under the limit.
                ConstraintDecision(constraint: tracker.constraint, outcome: outcome, over: tracker.over, judged: tracker.over + tracker.under)
            })
    }
}

/// The largest k in 0...n with `holds(k)`, for a property true up to some k and false after; −1 if none.
private func largestCount(upTo n: Int, where holds: (Int) -> Bool) -> Int {
    guard holds(0) else { return -1 }
    var low = 0
    var high = n
    while low < high {
        let middle = (low + high + 1) / 2
        if holds(middle) { low = middle } else { high = middle - 1 }
    }
    return low
}

/// The smallest k in 0...n with `holds(k)`, for a property false up to some k and true after; Int.max if none.
private func smallestCount(upTo n: Int, where holds: (Int) -> Bool) -> Int {
    guard holds(n) else { return .max }
    var low = 0
    var high = n
    while low < high {
        let middle = (low + high) / 2
        if holds(middle) { high = middle } else { low = middle + 1 }
    }
    return low
}
