import Foundation

/// An endpoint's own token counts of a dataset's prompts (`crest datasets tokenize`,
/// `crest sweep --tokenize`), kept beside the dataset as `FILE.tokens.json`, so a dataset is
/// counted once per tokenizer rather than before every sweep. The dataset file itself is never
/// rewritten. The counts hold for the dataset's bytes (its fingerprint), the shape of its
/// requests and the tokenizer (endpoint and model) they came from, and for nothing else.
public struct TokenCounts: Sendable, Equatable, Codable {
    public let datasetFingerprint: String
    /// The requests' shape (`WorkloadShape.tag`; "" for prompts as the dataset has them).
    public let workload: String
    /// The tokenizer: its URL and the model asked.
    public let tokenizer: String
    /// The count of each prompt, in the dataset's order.
    public let promptTokens: [Int]

    public init(dataset: Dataset, tokenizer: String, promptTokens: [Int]) {
        datasetFingerprint = dataset.fingerprint
        workload = dataset.shape.tag
        self.tokenizer = tokenizer
        self.promptTokens = promptTokens
    }

    /// Where the counts of `dataset` are kept.
    public static func path(for dataset: Dataset) -> String { dataset.path + ".tokens.json" }

    /// True when these are `dataset`'s counts by `tokenizer`.
    public func fit(_ dataset: Dataset, tokenizer: String) -> Bool {
        datasetFingerprint == dataset.fingerprint && workload == dataset.shape.tag && self.tokenizer == tokenizer
            && promptTokens.count == dataset.prompts.count
    }

    /// The counts kept at `path`; nil when there are none or they cannot be read (they are then
    /// asked for again).
    public static func read(from path: String) -> TokenCounts? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(TokenCounts.self, from: data)
    }

    /// Writes the counts to `path` whole (a temporary file renamed), so a reader never sees half.
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    enum CodingKeys: String, CodingKey {
        case datasetFingerprint = "dataset_fingerprint"
        case workload, tokenizer
        case promptTokens = "prompt_tokens"
    }
}

extension Dataset {
    /// This dataset with each prompt's length as the endpoint's tokenizer counted it.
    public func counted(_ counts: [Int]) -> Dataset {
        precondition(counts.count == prompts.count, "a count per prompt")
        let counted = zip(prompts, counts).map { prompt, count in
            Prompt(
                content: prompt.content, promptTokens: count, promptTokensSource: .tokenizer, maxOutputTokens: prompt.maxOutputTokens,
                line: prompt.line, replyTokens: prompt.replyTokens, requestFields: prompt.requestFields, sharedPrefix: prompt.sharedPrefix,
                laterTurns: prompt.laterTurns)
        }
        return Dataset(
            name: name, path: path, format: format, prompts: counted, fingerprint: fingerprint, skippedConversations: skippedConversations,
            unsentFields: unsentFields, shape: shape, sentLineFields: sentLineFields)
    }

}
