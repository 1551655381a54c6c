/// One finished request: the record every part of Crest passes around.
///
/// Times are integer nanoseconds from the sweep's start, on the measurer's clock (the virtual clock
/// for the simulator, a monotonic clock for live endpoints).
public struct Sample: Sendable, Equatable, Codable {
    /// The level's concurrency.
    public let level: Int
    /// The client (0..<level) that sent the request.
    public let client: Int
    /// The request's number within its client's sequence at this level.
    public let seq: Int
    /// The prompt's index in the dataset.
    public let promptIndex: Int
    public let sentAt: Int64
    /// When the first token arrived; nil when none did.
    public let firstTokenAt: Int64?
    /// When the response ended: last byte, error, or timeout.
    public let finishedAt: Int64
    public let promptTokens: Int
    public let completionTokens: Int
    public let tokensSource: TokensSource
    public let outcome: Outcome
    public let phase: Phase
    /// How late the request left after its client was free to send it (live endpoints only): the
    /// load generator's own delay, which a closed loop would otherwise count as the endpoint's.
    public let sendLag: Int64?
    /// The gaps between the streamed chunks that carried generated text, after the first (ns): the
    /// inter-token latencies as the client saw them. Nil when not recorded (unstreamed responses;
    /// simulated sweeps whose budget has no ITL constraint).
    public let interTokenGaps: [Int64]?
    /// For a failure, the name the endpoint gave it, where it gives one: AWS's exception
    /// (`ThrottlingException`, `ModelStreamErrorException`), from its error header or a stream's
    /// exception frame. Letters, digits and `_.-` only.
    public let errorName: String?
    /// For a failure, its finer category where the outcome alone does not say (`Fault`); its
    /// `outcome` is always this sample's outcome.
    public let fault: Fault?
    /// For a 429, how long its client waited before its next request, as the Retry-After asked
    /// (capped), or a second where none was given (ns).
    public let retryAfter: Int64?
    /// Of a success's prompt tokens, those the endpoint served from its prefix cache, where it
    /// said (usage `prompt_tokens_details.cached_tokens`; the simulator's cache when requests
    /// share a prefix); nil where it did not.
    public let cachedTokens: Int?
    /// For an answer that reasoned first (`reasoning_content`, `reasoning`, `<think>` text): when
    /// the first token of the answer proper arrived (nil when none did: the cap came first), and
    /// the reasoning tokens (usage `completion_tokens_details.reasoning_tokens`, else the
    /// reasoning events counted). Both nil for an answer without reasoning.
    public let firstAnswerAt: Int64?
    public let reasoningTokens: Int?
    /// The fewest completion tokens the request asked for (`min_tokens`, or the cap with
    /// `ignore_eos`: `AnswerLengthRequest.asked`); nil when it asked for no length. Whether the
    /// endpoint honoured it shows in `completionTokens`.
    public let askedTokens: Int?
    /// In a session sweep (`SessionShape`), the request's turn in its conversation (1 for the
    /// opening prompt), whose prompt carries the turns before it; nil for a single request.
    public let turn: Int?

    public init(
        level: Int, client: Int, seq: Int, promptIndex: Int, sentAt: Int64, firstTokenAt: Int64?,
        finishedAt: Int64, promptTokens: Int, completionTokens: Int, tokensSource: TokensSource,
        outcome: Outcome, phase: Phase, sendLag: Int64? = nil, interTokenGaps: [Int64]? = nil, errorName: String? = nil,
        fault: Fault? = nil, retryAfter: Int64? = nil, cachedTokens: Int? = nil, firstAnswerAt: Int64? = nil, reasoningTokens: Int? = nil,
        askedTokens: Int? = nil, turn: Int? = nil
    ) {
        precondition(fault.map { $0.outcome == outcome } ?? true, "a fault of another outcome")
        self.level = level
        self.client = client
        self.seq = seq
        self.promptIndex = promptIndex
        self.sentAt = sentAt
        self.firstTokenAt = firstTokenAt
        self.finishedAt = finishedAt
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.tokensSource = tokensSource
        self.outcome = outcome
        self.phase = phase
        self.sendLag = sendLag
        self.interTokenGaps = interTokenGaps
        self.errorName = errorName
        self.fault = fault
        self.retryAfter = retryAfter
        self.cachedTokens = cachedTokens
        self.firstAnswerAt = firstAnswerAt
        self.reasoningTokens = reasoningTokens
        self.askedTokens = askedTokens
        self.turn = turn
    }

    /// The failure's category as levels.csv and the report count it: its fault where it has one,
    /// else its outcome ("ok" for a success).
    public var category: String { fault?.rawValue ?? outcome.rawValue }

    // MARK: - Derived metrics (seconds)

    /// End-to-end latency: sent to last byte (or to the failure).
    public var latencySeconds: Double { Double(finishedAt - sentAt) / 1e9 }

    /// Time to first token, for requests that got one.
    public var ttftSeconds: Double? {
        firstTokenAt.map { Double($0 - sentAt) / 1e9 }
    }

    /// Time to the first token of the answer: after the reasoning, for an answer that reasoned
    /// (nil when its answer never began); the first token's time for one that did not.
    public var ttfaSeconds: Double? {
        guard reasoningTokens != nil else { return ttftSeconds }
        return firstAnswerAt.map { Double($0 - sentAt) / 1e9 }
    }

    /// Time per output token after the first: (e2e − TTFT) / (completion tokens − 1), for successful
    /// requests with at least two completion tokens.
    public var tpotSeconds: Double? {
        guard outcome.isSuccess, completionTokens >= 2, let firstTokenAt else { return nil }
        return Double(finishedAt - firstTokenAt) / 1e9 / Double(completionTokens - 1)
    }

    /// The inter-token gaps in seconds, when recorded.
    public var interTokenGapSeconds: [Double]? {
        interTokenGaps.map { $0.map { Double($0) / 1e9 } }
    }

    enum CodingKeys: String, CodingKey {
        case level, client, seq, outcome, phase
        case promptIndex = "prompt_index"
        case sentAt = "sent_ns"
        case firstTokenAt = "first_token_ns"
        case finishedAt = "finished_ns"
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case tokensSource = "tokens_source"
        case sendLag = "send_lag_ns"
        case errorName = "error_name"
        case interTokenGaps = "itl_ns"
        case fault
        case cachedTokens = "cached_tokens"
        case firstAnswerAt = "first_answer_ns"
        case reasoningTokens = "reasoning_tokens"
        case askedTokens = "asked_tokens"
        case turn
        case retryAfter = "retry_after_ns"
    }
}
