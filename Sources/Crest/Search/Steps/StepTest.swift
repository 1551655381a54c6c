/// How a step's level was measured: until a sequential test decided it, or for a fixed count or
/// time. In search.jsonl it is a short phrase: "screening", "confirmation", "200 requests", "90 s",
/// "stability windows".
public enum StepTest: Sendable, Equatable, CustomStringConvertible {
    case sequential(LevelTest.Mode)
    case requests(Int)
    case duration(seconds: Double)
    case stabilityWindows

    public init(_ rule: StopRule) {
        switch rule {
        case .requests(let count): self = .requests(count)
        case .duration(let seconds): self = .duration(seconds: seconds)
        case .sequential(let test): self = .sequential(test.mode)
        case .stable: self = .stabilityWindows
        }
    }

    public var description: String {
        switch self {
        case .sequential(let mode): return mode.rawValue
        case .requests(let count): return "\(count) requests"
        case .duration(let seconds): return "\(NumberFormatting.significant(seconds)) s"
        case .stabilityWindows: return "stability windows"
        }
    }
}

extension StepTest: Codable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        let words = text.split(separator: " ")
        if let mode = LevelTest.Mode(rawValue: text) {
            self = .sequential(mode)
        } else if text == "stability windows" {
            self = .stabilityWindows
        } else if words.count == 2, words[1] == "requests", let count = Int(words[0]) {
            self = .requests(count)
        } else if words.count == 2, words[1] == "s", let seconds = Double(words[0]) {
            self = .duration(seconds: seconds)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not a level's test Crest can read")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
