/// Assigns phases to a level's requests as they start and finish, the same way for every measurer:
/// the first `Level.warmupCompletions` completions are warm-up; the window opens at the last of
/// them (or, when the clients start one by one, when the last client starts, if that is later);
/// requests sent inside the window are measured; the window closes when the stop rule says:
/// after a count, after a duration, or when a sequential test decides the level.
///
/// A measurer calls `requestSent` when a client sends, `firstTokenArrived` and `requestFinished` as
/// the response comes, `advanceClock` as time passes, and stops once `isComplete` is true.
///
/// A level that starts where another left off (the measurer keeps its clients from one level to
/// the next) begins with that level's requests in flight: they load the endpoint as its own do,
/// and their ends count toward its warm-up completions, as ends that renew what is in flight. Its
/// window opens once it runs at its full load (`lastClientStarted(at:)`, once the clients it added
/// have started) and `Level.warmupCompletions` requests have finished since it started, its own
/// and carried ones: a load that changes from N to M clients turns over in about one request
/// time, where one that starts from idle needs its staggered start first. Waiting for the last
/// carried request as well would cost more than a start from idle after a heavier level (the
/// slowest request of an overloaded level) and moved no mean latency measurably in the simulator
/// (30 seeds, 150 requests a level, levels after ones of half to four times their clients).
public struct LevelRecorder: Sendable {
    /// What the recorder said about a request when it was sent; hand it back with its later events.
    public struct SentRequest: Sendable, Equatable {
        public let phase: Phase
        /// The request's place among the measured ones, for sequential tests.
        fileprivate let measuredIndex: Int?
    }

    public let level: Level
    public let rule: StopRule
    public let startedAt: Int64

    public private(set) var samples: [Sample] = []
    public private(set) var windowStart: Int64?
    public private(set) var windowEnd: Int64?
    private var completions = 0
    private var measuredSent = 0
    private var measuredOpen = 0
    /// The level's requests in flight (every phase), and their count integrated over the window so
    /// far (request·ns), up to `integratedTo`: the exact time-average in flight, abandoned requests
    /// included, which the samples alone cannot give.
    private var inFlight = 0
    private var inFlightIntegral: Double = 0
    /// In a session sweep, the users thinking between turns, likewise; nil otherwise.
    private var thinking: Int?
    private var thinkingIntegral: Double = 0
    private var integratedTo: Int64?
    private var judge: SequentialJudge?
    private var stability: StabilityTracker?
    /// False while a staggered start is still starting clients: no window opens before the level
    /// runs at its full concurrency.
    private var allClientsStarted: Bool

    /// - Parameters:
    ///   - staggeredStart: the measurer starts the level's clients one by one and calls
    ///     `lastClientStarted(at:)` once the level runs at its full load.
    ///   - carriedRequests: requests an earlier level left in flight, which this one starts with.
    ///   - thinkingUsers: in a session sweep, the users the level starts with who are thinking
    ///     between turns (`thinkingBegan(at:)`); nil for single requests.
    public init(
        level: Level, rule: StopRule, startedAt: Int64, staggeredStart: Bool = false, carriedRequests: Int = 0, thinkingUsers: Int? = nil
    ) {
        self.level = level
        self.rule = rule
        self.startedAt = startedAt
        inFlight = carriedRequests
        thinking = thinkingUsers
        allClientsStarted = !staggeredStart
        if case .sequential(let test) = rule { judge = SequentialJudge(test: test) }
        if case .stable(let stabilityRule) = rule { stability = StabilityTracker(rule: stabilityRule) }
    }

    /// Tells the recorder a request is being sent at `time`.
    public mutating func requestSent(at time: Int64) -> SentRequest {
        advanceClock(to: time)
        integrateInFlight(to: time)
        inFlight += 1
        guard windowStart != nil, windowEnd == nil else {
            return SentRequest(phase: windowStart == nil ? .warmup : .cooldown, measuredIndex: nil)
        }
        if case .requests(let count) = rule, measuredSent >= count {
            // The window closes at the first send past the count, so it holds exactly `count` sends.
            windowEnd = time
            return SentRequest(phase: .cooldown, measuredIndex: nil)
        }
        measuredSent += 1
        measuredOpen += 1
        return SentRequest(phase: .measured, measuredIndex: judge?.sent(at: time))
    }

    /// The first token of a request arrived at `time`.
    public mutating func firstTokenArrived(_ request: SentRequest, at time: Int64) {
        if let index = request.measuredIndex { judge?.firstToken(index, at: time) }
    }

    /// Records a finished request; `sample.phase` must be `request.phase`.
    public mutating func requestFinished(_ sample: Sample, _ request: SentRequest) {
        integrateInFlight(to: sample.finishedAt)
        inFlight -= 1
        completions += 1
        if sample.phase == .measured { measuredOpen -= 1 }
        samples.append(sample)
        if let index = request.measuredIndex { judge?.finished(index, sample) }
        if sample.phase == .measured, windowEnd == nil, stability?.add(sample) == true { windowEnd = sample.finishedAt }
        openWindowIfWarm(at: sample.finishedAt)
        advanceClock(to: sample.finishedAt)
    }

    /// A request an earlier level left in flight finished at `time`; the level that sent it records it.
    public mutating func carriedRequestFinished(at time: Int64) {
        integrateInFlight(to: time)
        inFlight -= 1
        completions += 1
        openWindowIfWarm(at: time)
        advanceClock(to: time)
    }

    /// In a session sweep, a user began thinking between turns at `time`, or stopped (to send the
    /// next turn, or because the level retired it): a user at work, for the level's load (`LoadShortfall`).
    public mutating func thinkingBegan(at time: Int64) {
        integrateInFlight(to: time)
        thinking = (thinking ?? 0) + 1
    }

    public mutating func thinkingEnded(at time: Int64) {
        integrateInFlight(to: time)
        thinking = (thinking ?? 1) - 1
    }

    /// The last of a staggered start's clients started at `time`.
    public mutating func lastClientStarted(at time: Int64) {
        allClientsStarted = true
        openWindowIfWarm(at: time)
        advanceClock(to: time)
    }

    private mutating func openWindowIfWarm(at time: Int64) {
        if windowStart == nil, allClientsStarted, completions >= level.warmupCompletions { windowStart = time }
    }

    /// Closes the window when its time has come: at a duration's end, or when the test decides.
    public mutating func advanceClock(to time: Int64) {
        guard let windowStart, windowEnd == nil else { return }
        switch rule {
        case .duration(let seconds):
            if time >= windowStart + Int64(seconds * 1e9) { windowEnd = windowStart + Int64(seconds * 1e9) }
        case .sequential:
            if judge?.advance(to: time) != nil { windowEnd = time }
        case .requests, .stable:
            break
        }
        integrateInFlight(to: time)
    }

    /// Adds the requests in flight since the last change, inside the window, to the integral.
    /// Times only move forward here; a timeout reported a little after its deadline adds nothing.
    private mutating func integrateInFlight(to time: Int64) {
        guard let windowStart else { return }
        let from = max(integratedTo ?? windowStart, windowStart)
        let to = min(time, windowEnd ?? time)
        guard to > from else { return }
        inFlightIntegral += Double(inFlight) * Double(to - from)
        thinkingIntegral += Double(thinking ?? 0) * Double(to - from)
        integratedTo = to
    }

    /// The time-average of requests in flight over the window; call once it has closed.
    private var inFlightMean: Double? {
        guard let windowStart, let windowEnd, windowEnd > windowStart else { return nil }
        let rest = Double(inFlight) * Double(max(0, windowEnd - max(integratedTo ?? windowStart, windowStart)))
        return (inFlightIntegral + rest) / Double(windowEnd - windowStart)
    }

    /// The time-average of users thinking over the window, in a session sweep; call once it has closed.
    private var thinkingMean: Double? {
        guard let thinking, let windowStart, let windowEnd, windowEnd > windowStart else { return nil }
        let rest = Double(thinking) * Double(max(0, windowEnd - max(integratedTo ?? windowStart, windowStart)))
        return (thinkingIntegral + rest) / Double(windowEnd - windowStart)
    }

    /// Where the level stands at `time`, for a progress line.
    public func progress(at time: Int64) -> LevelProgress {
        let needed: Int?
        switch rule {
        case .requests(let count): needed = count
        case .sequential: needed = judge?.lookSize
        case .duration, .stable: needed = nil
        }
        return LevelProgress(
            concurrency: level.concurrency, elapsedSeconds: Double(time - startedAt) / 1e9, isMeasuring: windowStart != nil,
            finished: measuredSent - measuredOpen, needed: needed, estimate: judge?.runningEstimates().max { $0.ratio < $1.ratio })
    }

    /// True once the window has closed and every measured request has finished (or, for a decided
    /// screening test, at once: see `LevelTest.drainsMeasuredRequests`).
    public var isComplete: Bool {
        guard windowEnd != nil else { return false }
        if case .sequential(let test) = rule, !test.drainsMeasuredRequests { return true }
        return measuredOpen == 0
    }

    /// The level's result; call once `isComplete` is true.
    public func finish(endedAt: Int64) -> LevelRun {
        precondition(isComplete, "finish(endedAt:) called before the level's window closed")
        // MSER-5 after the warm-up drop (../research/algorithms.md §2.2), for levels measured to a
        // count or a time; a sequential test's verdict rests on a fixed prefix, so its levels keep theirs.
        var steadyFrom: Int64?
        var isSteady = true
        if judge == nil {
            let measured = samples.filter { $0.phase == .measured }.sorted { ($0.sentAt, $0.client) < ($1.sentAt, $1.client) }
            let analysis = SteadyState(measured.map(\.latencySeconds))
            isSteady = analysis.isSteady
            if analysis.truncation > 0 { steadyFrom = measured[analysis.truncation].sentAt }
        }
        return LevelRun(
            level: level, samples: samples, startedAt: startedAt, windowStart: windowStart!, windowEnd: windowEnd!,
            endedAt: endedAt, decision: judge?.decision, abandoned: measuredOpen,
            completeBefore: measuredOpen > 0 ? judge?.earliestUnfinishedSentAt : nil, steadyFrom: steadyFrom, isSteady: isSteady,
            inFlightMean: inFlightMean, thinkingMean: thinkingMean)
    }
}
