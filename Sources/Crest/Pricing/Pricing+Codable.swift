/// Pricing in run.json: `{"kind": "hourly", "usd_per_hour": 4.1, "instances": 1}` or
/// `{"kind": "per_token", "usd_per_1k_input": 0.0008, "usd_per_1k_output": 0.0024}`.
extension Pricing {
    enum CodingKeys: String, CodingKey {
        case kind
        case usdPerHour = "usd_per_hour"
        case instances
        case usdPer1kInput = "usd_per_1k_input"
        case usdPer1kOutput = "usd_per_1k_output"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .kind) {
        case "hourly":
            self = .hourly(
                usdPerHour: try container.decode(Double.self, forKey: .usdPerHour),
                instances: try container.decode(Int.self, forKey: .instances))
        case "per_token":
            self = .perToken(
                usdPer1kInput: try container.decode(Double.self, forKey: .usdPer1kInput),
                usdPer1kOutput: try container.decode(Double.self, forKey: .usdPer1kOutput))
        case let other:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: container, debugDescription: "unknown pricing kind '\(other)' (expected hourly or per_token)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .hourly(let usdPerHour, let instances):
            try container.encode("hourly", forKey: .kind)
            try container.encode(usdPerHour, forKey: .usdPerHour)
            try container.encode(instances, forKey: .instances)
        case .perToken(let input, let output):
            try container.encode("per_token", forKey: .kind)
            try container.encode(input, forKey: .usdPer1kInput)
            try container.encode(output, forKey: .usdPer1kOutput)
        }
    }
}
