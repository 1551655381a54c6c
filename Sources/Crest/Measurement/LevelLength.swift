/// How long each level of a sweep measures.
public enum LevelLength: Sendable, Equatable {
    /// Exactly this many measured requests at every level.
    case requests(Int)
    /// max(minimum, perClient × N) measured requests: small levels get enough samples for their
    /// percentiles, large ones at least `perClient` requests from every client.
    case scaledRequests(minimum: Int, perClient: Int)
    /// This many seconds of measured window at every level.
    case duration(seconds: Double)

    /// The default: at least 200 measured requests (enough for a p95 with a two-sided interval),
    /// and at least 4 per client.
    public static let standard = LevelLength.scaledRequests(minimum: 200, perClient: 4)

    /// The stop rule for `level`.
    public func stopRule(for level: Level) -> StopRule {
        switch self {
        case .requests(let count): return .requests(count)
        case .scaledRequests(let minimum, let perClient): return .requests(max(minimum, perClient * level.concurrency))
        case .duration(let seconds): return .duration(seconds: seconds)
        }
    }

    /// "max(200, 4 × N) measured requests", for reports.
    public var summary: String {
        switch self {
        case .requests(let count): return "\(count) measured requests"
        case .scaledRequests(let minimum, let perClient): return "max(\(minimum), \(perClient) × concurrency) measured requests"
        case .duration(let seconds): return "\(NumberFormatting.significant(seconds)) s of measured window"
        }
    }
}

/// In run.json a fixed list's length is its summary, "max(200, 4 × concurrency) measured requests".
extension LevelLength: Codable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        let words = text.split(separator: " ")
        if text.hasPrefix("max("), text.hasSuffix("× concurrency) measured requests"),
           let minimum = Int(text.dropFirst(4).prefix { $0 != "," }),
           let perClient = Int(text.split(separator: ",").dropFirst().first?.split(separator: " ").first ?? "") {
            self = .scaledRequests(minimum: minimum, perClient: perClient)
        } else if text.hasSuffix(" measured requests"), words.count == 3, let count = Int(words[0]) {
            self = .requests(count)
        } else if text.hasSuffix(" s of measured window"), let seconds = Double(words[0]) {
            self = .duration(seconds: seconds)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not a level length Crest can read")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(summary)
    }
}
