/// How far Crest's token estimate of the prompts was from the endpoint's own count of them: over
/// the successful requests whose usage gave a prompt count, the mean of that count and the mean
/// of the estimate for the same prompts. Every such request already carries the endpoint's count
/// (`Sample.promptTokens`), so the figures a report shows are the endpoint's; this says how wrong
/// the estimate that binned the prompts was, and `--tokenize` counts them all before a sweep.
public struct PromptTokensCheck: Sendable, Equatable, Codable {
    public let requests: Int
    public let estimatedMean: Double
    public let serverMean: Double

    /// The check of `samples` against `dataset`'s estimates; nil when no success carried a count.
    public init?(dataset: Dataset, samples: [Sample]) {
        let counted = samples.filter { $0.outcome.isSuccess && $0.tokensSource == .server && $0.promptIndex < dataset.prompts.count }
        guard !counted.isEmpty else { return nil }
        requests = counted.count
        estimatedMean = Double(counted.reduce(0) { $0 + dataset.prompts[$1.promptIndex].promptTokens }) / Double(counted.count)
        serverMean = Double(counted.reduce(0) { $0 + $1.promptTokens }) / Double(counted.count)
    }

    /// The estimate's error relative to the endpoint's count: positive when it counted too many.
    public var error: Double { serverMean > 0 ? estimatedMean / serverMean - 1 : 0 }

    /// "the endpoint counted 324 prompt tokens on average over 1,203 requests, where Crest's
    /// estimate said 282 (13% under)".
    public var sentence: String {
        "the endpoint counted \(NumberFormatting.significant(serverMean, digits: 4)) prompt tokens on average over \(requests) requests, "
            + "where Crest's estimate said \(NumberFormatting.significant(estimatedMean, digits: 4)) "
            + "(\(NumberFormatting.significant(abs(error) * 100, digits: 2))% \(error >= 0 ? "over" : "under"))"
    }

    enum CodingKeys: String, CodingKey {
        case requests
        case estimatedMean = "estimated_mean"
        case serverMean = "server_mean"
    }
}
