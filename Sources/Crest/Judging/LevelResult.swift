/// A measured level: its statistics and its verdict.
public struct LevelResult: Sendable, Equatable {
    public let summary: LevelSummary
    public let verdict: Verdict

    public init(summary: LevelSummary, verdict: Verdict) {
        self.summary = summary
        self.verdict = verdict
    }

    public var concurrency: Int { summary.concurrency }
}
