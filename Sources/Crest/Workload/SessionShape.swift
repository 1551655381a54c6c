/// Multi-turn sessions (`--session-turns T --think-time D`, issue 17 point 4): each client of a
/// level is a user holding a conversation of `turns` requests, each carrying the whole history so
/// far (the earlier prompts and the endpoint's own replies), with a pause drawn from an exponential
/// distribution of mean `meanThinkSeconds` between a reply and the next turn. A level's concurrency
/// stays the number of users; while they think, fewer requests are in flight.
///
/// Production chat traffic is like this: a context that grows turn by turn, which shows first in
/// the later turns' time to first token, and a history an engine with prefix caching may still
/// hold when the next turn comes.
public struct SessionShape: Sendable, Equatable, Codable {
    public var turns: Int
    public var meanThinkSeconds: Double

    public init(turns: Int, meanThinkSeconds: Double) {
        self.turns = turns
        self.meanThinkSeconds = meanThinkSeconds
    }

    /// The most turns a conversation may have: beyond it a history outgrows every context.
    public static let mostTurns = 1000
    /// The think time when `--think-time` is not given: a user reading a reply before typing.
    public static let standardThinkSeconds = 2.0
    /// The longest mean think time: longer would leave a level's users idle nearly all its run.
    public static let longestThinkSeconds = 3600.0

    /// "conversations of 4 turns, a mean of 2 s thinking between turns"
    public var summary: String {
        "conversations of \(turns) turns, a mean of \(NumberFormatting.duration(seconds: meanThinkSeconds)) thinking between turns"
    }

    /// "4 turns, 2 s think"
    public var tag: String { "\(turns) turns, \(NumberFormatting.duration(seconds: meanThinkSeconds)) think" }

    /// The mean pause that follows a request, for a closed loop's throughput by Little's law
    /// (N users / (latency + pause)): a think time after every turn but a conversation's last.
    public var thinkSecondsPerRequest: Double { meanThinkSeconds * Double(turns - 1) / Double(turns) }

    /// A think time in ns, drawn from `random`.
    public func drawThinkTime(_ random: inout SeededRandom) -> Int64 {
        guard meanThinkSeconds > 0 else { return 0 }
        return Int64((random.nextExponential(mean: meanThinkSeconds) * 1e9).rounded())
    }

    enum CodingKeys: String, CodingKey {
        case turns
        case meanThinkSeconds = "think_time_s"
    }
}
