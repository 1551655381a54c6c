/// A range of prompt lengths in tokens, lower bound included and upper bound excluded, as in FMBench:
/// the bin `en_1000-2000` holds prompts of 1000 to 1999 tokens.
public struct PromptBin: Sendable, Hashable {
    public let lowerTokens: Int
    public let upperTokens: Int

    public init(lowerTokens: Int, upperTokens: Int) {
        precondition(lowerTokens < upperTokens, "a prompt bin needs lowerTokens < upperTokens")
        self.lowerTokens = lowerTokens
        self.upperTokens = upperTokens
    }

    /// The bin's name, also its file name without extension: `en_1000-2000`.
    public var name: String { "en_\(lowerTokens)-\(upperTokens)" }

    /// True when a prompt of `tokens` tokens belongs in this bin.
    public func contains(tokens: Int) -> Bool {
        tokens >= lowerTokens && tokens < upperTokens
    }

    /// The bins Crest ships, the ones FMBench users know (its last bin ends at 4000 for Claude).
    public static let standard: [PromptBin] = [
        PromptBin(lowerTokens: 1, upperTokens: 500),
        PromptBin(lowerTokens: 500, upperTokens: 1000),
        PromptBin(lowerTokens: 1000, upperTokens: 2000),
        PromptBin(lowerTokens: 2000, upperTokens: 3000),
        PromptBin(lowerTokens: 3000, upperTokens: 4000),
    ]
}
