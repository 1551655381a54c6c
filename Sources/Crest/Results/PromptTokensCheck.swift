/// How far Crest's token estimate of the prompts was from the endpoint's own count of them: over
/// the successful requests whose usage gave a prompt count, the mean of that count and the mean
/// of the estimate for the same prompts. Every such request already carries the endpoint's count
/// (`Sample.promptTokens`), so the figures a report shows are the endpoint's; this says how wrong
/// the estimate that binned the prompts was, and `--tokenize` counts them all before a sweep.
public struct PromptTokensCheck: Sendable, Equatable, Codable {
    public let requests: Int
    public let estimatedMean: Double
    public let serverMean: Double

    public init(requests: Int, estimatedMean: Double, serverMean: Double) {
        self.requests = requests
        self.estimatedMean = estimatedMean
        self.serverMean = serverMean
    }

    /// The check of the endpoint's `counts` of every prompt of `dataset` against its lengths.
    public init(dataset: Dataset, counts: [Int]) {
        self.init(
            requests: dataset.prompts.count,
            estimatedMean: Double(dataset.prompts.reduce(0) { $0 + $1.promptTokens }) / Double(max(1, dataset.prompts.count)),
            serverMean: Double(counts.reduce(0, +)) / Double(max(1, counts.count)))
    }

    /// The check of `samples` against `dataset`'s estimates; nil when no success carried a count.
    public init?(dataset: Dataset, samples: [Sample]) {
        // A later turn of a conversation carries its history, which the dataset's estimate does not count.
        let counted = samples.filter {
            $0.outcome.isSuccess && $0.tokensSource == .server && $0.promptIndex < dataset.prompts.count && ($0.turn ?? 1) == 1
        }
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
            + whereEstimateSaid()
    }

    /// "where Crest's estimate said 282 (13% under)", naming what was compared (`name`).
    public func whereEstimateSaid(_ name: String = "Crest's estimate") -> String {
        "where \(name) said \(NumberFormatting.significant(estimatedMean, digits: 4)) "
            + "(\(NumberFormatting.significant(abs(error) * 100, digits: 2))% \(error >= 0 ? "over" : "under"))"
    }

    enum CodingKeys: String, CodingKey {
        case requests
        case estimatedMean = "estimated_mean"
        case serverMean = "server_mean"
    }
}
