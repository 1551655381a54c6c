/// A level whose clients were not all at work: on average fewer than `minimumShare` of its N
/// requests were in flight over its window. Clients wait after a 429 for its Retry-After (up to
/// 30 s) and after a refused connection; a level spent waiting is not a measurement of N
/// concurrent requests, whatever its latencies say, and is never recommended.
///
/// (A closed loop without such waits keeps N requests in flight but for the instants between a
/// response and the next request: microseconds live, none in the simulator.) In a session sweep a
/// user thinking between turns is at work too: the level's load is its users in flight or thinking.
///
public struct LoadShortfall: Sendable, Equatable, Codable {
    public let concurrency: Int
    /// The time-average number of the level's requests in flight over its window.
    public let inFlightMean: Double
    /// In a session sweep, the time-average number of users thinking between turns; nil otherwise.
    public let thinkingMean: Double?

    /// Below this share of its concurrency in flight, a level was held back.
    public static let minimumShare = 0.9

    /// The shortfall of `run`, if its clients were held back; nil when they were not, or when the
    /// run does not say (stored before Crest counted it).
    public init?(_ run: LevelRun) {
        guard let inFlightMean = run.inFlightMean, inFlightMean + (run.thinkingMean ?? 0) < Self.minimumShare * Double(run.level.concurrency)
        else { return nil }
        concurrency = run.level.concurrency
        self.inFlightMean = inFlightMean
        thinkingMean = run.thinkingMean
    }

    /// "held only 0.999 of its 2 requests in flight on average ...", for people.
    public var summary: String {
        if let thinkingMean {
            let atWork = NumberFormatting.significant(inFlightMean + thinkingMean, digits: 3)
            return "it kept only \(atWork) of its \(concurrency) users at work (a request in flight, or thinking) on average, as clients waited (a 429's Retry-After, or a refused connection): not a measurement of \(concurrency) users"
        }
        return "it held only \(NumberFormatting.significant(inFlightMean, digits: 3)) of its \(concurrency) requests in flight on average, as clients waited (a 429's Retry-After, or a refused connection): not a measurement of concurrency \(concurrency)"
    }

    enum CodingKeys: String, CodingKey {
        case concurrency
        case inFlightMean = "in_flight_mean"
        case thinkingMean = "thinking_mean"
    }
}
