/// The file formats Crest reads prompts from.
public enum DatasetFormat: String, Sendable, Equatable, Codable {
    /// FMBench payload JSONL: `{"inputs": "...", "parameters": {"max_new_tokens": 100}}` per line.
    case fmbenchPayload = "fmbench-payload"
    /// OpenAI chat JSONL: `{"messages": [{"role": "user", "content": "..."}], "max_tokens": 100}` per line.
    case openAIChat = "openai-chat"
    /// One prompt per line of plain text.
    case plainText = "text"
    /// ShareGPT conversations, as one JSON array or one per line:
    /// `{"conversations": [{"from": "human", "value": "..."}, {"from": "gpt", "value": "..."}]}`.
    case shareGPT = "sharegpt"
    /// A prompt and the length of its answer per line: `{"prompt": "...", "output_tokens": 150}`.
    case promptAndOutput = "prompt-output"
}

/// A list of prompts read from one file.
public struct Dataset: Sendable, Equatable {
    /// The dataset's name: the file name without its extension, e.g. `en_1000-2000`.
    public let name: String
    /// The path the dataset was read from, as given.
    public let path: String
    public let format: DatasetFormat
    public let prompts: [Prompt]
    /// FNV-1a 64 of the file's bytes, in hex: tells whether two runs used the same data.
    public let fingerprint: String
    /// Conversations that hold no prompt to send (no user turn before the first reply, or no
    /// turn at all), left out as vLLM's benchmark leaves them out of a ShareGPT file, and counted.
    public let skippedConversations: Int
    /// Fields of the lines that are neither read by Crest nor request parameters it sends, with
    /// how many lines hold each (`parameters.x` for FMBench's): said, not silently dropped.
    public let unsentFields: [String: Int]
    /// How the requests are shaped beyond the prompts (`shaped(_:)`): plain as loaded.
    public let shape: WorkloadShape
    /// The request parameters the lines carry, each with how many lines set it (not those a
    /// shape adds, which its summary names).
    public let sentLineFields: [String: Int]

    public init(
        name: String, path: String, format: DatasetFormat, prompts: [Prompt], fingerprint: String, skippedConversations: Int = 0,
        unsentFields: [String: Int] = [:], shape: WorkloadShape = .plain, sentLineFields: [String: Int]? = nil
    ) {
        self.name = name
        self.path = path
        self.format = format
        self.prompts = prompts
        self.fingerprint = fingerprint
        self.skippedConversations = skippedConversations
        self.unsentFields = unsentFields
        self.shape = shape
        self.sentLineFields = sentLineFields ?? prompts.reduce(into: [:]) { counts, prompt in
            for name in prompt.requestFields.keys { counts[name, default: 0] += 1 }
        }
    }

    /// What a reader of the load should know beyond its prompts: conversations skipped, and the
    /// fields of the lines sent or not (a temperature of 0 shortens answers). The sweep's first
    /// line and `crest datasets inspect` both say these.
    public var loadNotes: [String] {
        var notes: [String] = []
        if skippedConversations > 0 { notes.append("\(skippedConversations) conversations without a user turn skipped") }
        let laterTurns = prompts.reduce(0) { $0 + $1.laterTurns.count }
        if laterTurns > 0 {
            let conversations = prompts.count { !$0.laterTurns.isEmpty }
            let sent = shape.sessions == nil ? "which --session-turns sends" : "sent before the dataset's next prompts"
            notes.append("\(conversations) conversations with later turns (\(laterTurns) in all), \(sent)")
        }
        if !sentLineFields.isEmpty { notes.append("sent as the lines give them: \(Self.listing(sentLineFields))") }
        if !unsentFields.isEmpty { notes.append("not sent: \(Self.listing(unsentFields))") }
        if !shape.isPlain { notes.append(shape.summary) }
        return notes
    }

    /// Field counts as a reader sees them: "seed (40 lines), temperature (40 lines)", by name.
    public static func listing(_ fields: [String: Int]) -> String {
        fields.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value) line\($0.value == 1 ? "" : "s"))" }.joined(separator: ", ")
    }

    /// The output caps of the prompts that ask for an answer as long as the dataset's own
    /// (`Prompt.replyTokens`), in increasing order: none where `--max-tokens` or the lines set caps.
    public var capsFromReplies: [Int] {
        prompts.compactMap { prompt in prompt.replyTokens.flatMap { prompt.maxOutputTokens == $0 ? $0 : nil } }.sorted()
    }

    /// True when any prompt's token count was estimated rather than carried by the data.
    public var hasEstimatedTokenCounts: Bool {
        prompts.contains { $0.promptTokensSource == .estimate }
    }

    /// Where the prompts' lengths came from, as a whole: estimated if any was, the endpoint's
    /// tokenizer if it counted them all, else the dataset's own counts.
    public var tokenCountSource: TokenCountSource {
        if hasEstimatedTokenCounts { return .estimate }
        return prompts.allSatisfy { $0.promptTokensSource == .tokenizer } ? .tokenizer : .dataset
    }

    /// The mean prompt length in tokens.
    public var meanPromptTokens: Double {
        prompts.isEmpty ? 0 : Double(prompts.reduce(0) { $0 + $1.promptTokens }) / Double(prompts.count)
    }
}

/// FNV-1a, 64 bits: a fast, stable content fingerprint (not a security hash).
public func fnv1a64(_ bytes: some Sequence<UInt8>) -> UInt64 {
    var hash = FNV1a64()
    hash.update(bytes)
    return hash.value
}

/// FNV-1a, 64 bits, taken over bytes given a piece at a time (a file read in chunks).
public struct FNV1a64: Sendable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    public mutating func update(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01B3
        }
    }
}
