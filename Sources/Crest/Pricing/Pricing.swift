/// What an endpoint costs: by the hour for instances you run, or by the token for hosted APIs.
public enum Pricing: Sendable, Equatable, Codable {
    /// USD per instance-hour, for `instances` instances behind the endpoint.
    case hourly(usdPerHour: Double, instances: Int)
    /// USD per 1,000 prompt tokens and per 1,000 completion tokens.
    case perToken(usdPer1kInput: Double, usdPer1kOutput: Double)

    /// The price of one successful request at a level.
    ///
    /// - Hourly: the fleet's cost per minute spread over the level's transactions per minute.
    /// - Per token: the level's mean prompt and completion sizes at the token prices.
    /// - Returns: nil for hourly pricing at a level with no successful request.
    public func pricePerTransaction(_ summary: LevelSummary) -> Double? {
        switch self {
        case .hourly(let usdPerHour, let instances):
            let tpm = summary.transactionsPerMinute.value
            return tpm > 0 ? usdPerHour * Double(instances) / 60 / tpm : nil
        case .perToken(let input, let output):
            return summary.promptTokenCountMean / 1000 * input + summary.completionTokenCountMean / 1000 * output
        }
    }

    /// The cost of running load for `seconds` that processed these tokens.
    public func cost(seconds: Double, promptTokens: Int, completionTokens: Int) -> Double {
        switch self {
        case .hourly(let usdPerHour, let instances):
            return usdPerHour * Double(instances) * seconds / 3600
        case .perToken(let input, let output):
            return Double(promptTokens) / 1000 * input + Double(completionTokens) / 1000 * output
        }
    }

    /// The price as the reference report's `price_per_hour` field shows it: `4.1` for hourly pricing,
    /// `[{'input-per-1k-tokens': 0.0008}, {'output-per-1k-tokens': 0.0024}]` for token pricing.
    public var reportText: String {
        switch self {
        case .hourly(let usdPerHour, let instances):
            let price = NumberFormatting.significant(usdPerHour)
            return instances == 1 ? price : "\(price) × \(instances) instances"
        case .perToken(let input, let output):
            return "[{'input-per-1k-tokens': \(NumberFormatting.significant(input))}, {'output-per-1k-tokens': \(NumberFormatting.significant(output))}]"
        }
    }

    /// The price for people: "$4.1/hour", "$0.0008/1k input tokens, $0.0024/1k output tokens".
    public var summary: String {
        switch self {
        case .hourly(let usdPerHour, let instances):
            return "$\(NumberFormatting.significant(usdPerHour))/hour" + (instances == 1 ? "" : " × \(instances) instances")
        case .perToken(let input, let output):
            return "$\(NumberFormatting.significant(input))/1k input tokens, $\(NumberFormatting.significant(output))/1k output tokens"
        }
    }
}
