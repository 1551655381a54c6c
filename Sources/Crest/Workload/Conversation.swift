/// One user's conversation in a session sweep (`SessionShape`), as the live client holds it: the
/// messages so far, each turn's prompt and the endpoint's reply as the endpoint gave it, so that
/// every turn sends the history a real chat client would.
public struct Conversation: Sendable {
    /// Turns sent so far (1 once the opening prompt has gone).
    public private(set) var turnsSent = 0
    /// The history: every turn's messages and the replies to them.
    public private(set) var messages: [ChatMessage] = []
    /// The history's tokens: the latest turn's prompt as the endpoint counted it (or as estimated)
    /// and its reply's.
    public private(set) var historyTokens = 0
    /// The system prompt the conversation shares with its group, from its opening prompt: at the
    /// start of every turn.
    public private(set) var sharedPrefix: SharedPrefix?

    public init() {}

    /// The request of the conversation's next turn: `prompt` itself to open it; after that the
    /// history followed by what `prompt` adds as a later turn (`Prompt.followUp`), with `prompt`'s
    /// output cap and request fields. Marks the turn sent.
    public mutating func nextTurn(_ prompt: Prompt) -> Prompt {
        turnsSent += 1
        guard turnsSent > 1 else {
            messages = prompt.content.messages
            historyTokens = 0
            sharedPrefix = prompt.sharedPrefix
            return prompt
        }
        let added = prompt.followUp
        messages += added.messages
        return Prompt(
            content: .chat(messages), promptTokens: historyTokens + added.tokens, promptTokensSource: .estimate,
            maxOutputTokens: prompt.maxOutputTokens, line: prompt.line, replyTokens: prompt.replyTokens,
            requestFields: prompt.requestFields, sharedPrefix: sharedPrefix)
    }

    /// The endpoint answered the latest turn, `request`, with `reply`: the reply joins the history.
    /// `promptTokens` is the endpoint's count of the turn's prompt where it gave one.
    public mutating func answered(_ request: Prompt, reply: String, promptTokens: Int?, completionTokens: Int) {
        messages.append(ChatMessage(role: "assistant", content: reply))
        historyTokens = (promptTokens ?? request.promptTokens) + completionTokens
    }
}

extension Prompt {
    /// What this prompt adds to a conversation as a later turn: its messages without a system
    /// prompt (a conversation has one, at its start), and their tokens (its own count less the
    /// system prompt's estimate).
    public var followUp: (messages: [ChatMessage], tokens: Int) {
        let messages = content.messages
        let system = messages.filter { $0.role == "system" }
        guard !system.isEmpty else { return (messages, promptTokens) }
        let systemTokens = system.reduce(0) { $0 + TokenEstimator.estimate($1.content) }
        return (messages.filter { $0.role != "system" }, max(1, promptTokens - systemTokens))
    }
}
