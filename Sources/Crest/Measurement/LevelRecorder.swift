/// Assigns phases to a level's requests as they start and finish, the same way for every measurer:
/// the first `Level.warmupCompletions` completions are warm-up; the window opens at the last of
/// them; requests sent inside the window are measured; the window closes when the stop rule says.
///
/// A measurer calls `requestSent` when a client sends, `requestFinished` when a response ends, and
/// reads `isComplete` to know when it may stop.
public struct LevelRecorder: Sendable {
    public let level: Level
    public let rule: StopRule
    public let startedAt: Int64

    public private(set) var samples: [Sample] = []
    public private(set) var windowStart: Int64?
    public private(set) var windowEnd: Int64?
    private var completions = 0
    private var measuredSent = 0
    private var measuredOpen = 0

    public init(level: Level, rule: StopRule, startedAt: Int64) {
        self.level = level
        self.rule = rule
        self.startedAt = startedAt
    }

    /// Tells the recorder a request is being sent at `time`; returns the phase it belongs to.
    public mutating func requestSent(at time: Int64) -> Phase {
        guard let windowStart else { return .warmup }
        if let windowEnd, time >= windowEnd { return .cooldown }
        if case .duration(let seconds) = rule, time >= windowStart + Int64(seconds * 1e9) {
            windowEnd = windowStart + Int64(seconds * 1e9)
            return .cooldown
        }
        if case .requests(let count) = rule, measuredSent >= count {
            // The window closes at the first send past the count, so it holds exactly `count` sends.
            windowEnd = time
            return .cooldown
        }
        measuredSent += 1
        measuredOpen += 1
        return .measured
    }

    /// Records a finished request; `sample.phase` must be what `requestSent` returned for it.
    public mutating func requestFinished(_ sample: Sample) {
        completions += 1
        if sample.phase == .measured { measuredOpen -= 1 }
        samples.append(sample)
        if windowStart == nil, completions >= level.warmupCompletions { windowStart = sample.finishedAt }
    }

    /// Closes a duration window once the clock passes its end, even if no request is sent then.
    public mutating func advanceClock(to time: Int64) {
        if let windowStart, windowEnd == nil, case .duration(let seconds) = rule,
            time >= windowStart + Int64(seconds * 1e9)
        {
            windowEnd = windowStart + Int64(seconds * 1e9)
        }
    }

    /// True once the window has closed and every measured request has finished.
    public var isComplete: Bool { windowEnd != nil && measuredOpen == 0 }

    /// The level's result; call once `isComplete` is true.
    public func finish(endedAt: Int64) -> LevelRun {
        precondition(isComplete, "finish(endedAt:) called before the level's window closed")
        return LevelRun(
            level: level, samples: samples, startedAt: startedAt, windowStart: windowStart!,
            windowEnd: windowEnd!, endedAt: endedAt)
    }
}
