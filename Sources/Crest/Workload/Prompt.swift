/// One chat message of an OpenAI-style conversation.
public struct ChatMessage: Sendable, Equatable, Codable {
    public let role: String
    public let content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

/// What a prompt sends: plain text, or a conversation for chat APIs.
public enum PromptContent: Sendable, Equatable {
    case text(String)
    case chat([ChatMessage])

    /// The prompt as a chat API sends it: a text prompt is the user's message.
    public var messages: [ChatMessage] {
        switch self {
        case .text(let text): return [ChatMessage(role: "user", content: text)]
        case .chat(let messages): return messages
        }
    }

    /// All the text of the prompt, messages joined by blank lines.
    public var joinedText: String {
        switch self {
        case .text(let text): return text
        case .chat(let messages): return messages.map(\.content).joined(separator: "\n\n")
        }
    }
}

/// Where a token count came from.
public enum TokenCountSource: String, Sendable, Equatable, Codable {
    /// The dataset line carried the count.
    case dataset
    /// Crest estimated it from the text (see `TokenEstimator`).
    case estimate
    /// The endpoint's own tokenizer counted it (`TokenCounts`).
    case tokenizer
}

/// One prompt of a dataset, with its token count and an optional cap on output tokens.
public struct Prompt: Sendable, Equatable {
    /// The largest token count a prompt or an output cap may carry: 16 times the longest contexts
    /// models take today (1M tokens would be 64 times), and far inside every sum of them.
    public static let largestTokenCount = 16 << 20

    public let content: PromptContent
    public let promptTokens: Int
    public let promptTokensSource: TokenCountSource
    /// The most output tokens to ask for, when the dataset line or the command line sets it.
    public let maxOutputTokens: Int?
    /// The 1-based line of the dataset file this prompt came from.
    public let line: Int
    /// The length in tokens of the answer the dataset holds for this prompt (a ShareGPT or chat
    /// reply, estimated from its text, or a line's `output_tokens`): the output cap when neither
    /// the line's own cap nor `--max-tokens` sets one, so requests ask for answers as long as the
    /// dataset's (as vLLM's benchmark does).
    public let replyTokens: Int?
    /// Request parameters the dataset line carries (`temperature`, `seed`, `stop`...), as JSON
    /// text per name: sent with this prompt's request as given, under `--request-field` values of
    /// the same name (`DatasetLoader.requestParameters`).
    public let requestFields: [String: String]
    /// The system prompt this prompt shares with its group (`--shared-prefix-tokens`), which an
    /// engine with prefix caching computes once; nil when it shares none, or may not reuse it.
    public let sharedPrefix: SharedPrefix?
    /// The user's later turns of the dataset's conversation (a ShareGPT conversation's turns after
    /// its first reply), each as the prompt it adds, with the length of the dataset's reply to it:
    /// what a session sweep (`SessionShape`) sends as the conversation's next turns. Empty for a
    /// prompt of one turn; a sweep of single requests sends none of them.
    public let laterTurns: [Prompt]

    public init(
        content: PromptContent, promptTokens: Int, promptTokensSource: TokenCountSource,
        maxOutputTokens: Int?, line: Int, replyTokens: Int? = nil, requestFields: [String: String] = [:], sharedPrefix: SharedPrefix? = nil,
        laterTurns: [Prompt] = []
    ) {
        self.content = content
        self.promptTokens = promptTokens
        self.promptTokensSource = promptTokensSource
        self.maxOutputTokens = maxOutputTokens
        self.line = line
        self.replyTokens = replyTokens
        self.requestFields = requestFields
        self.sharedPrefix = sharedPrefix
        self.laterTurns = laterTurns
    }
}
