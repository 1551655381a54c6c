/// One user's conversation in a session sweep (`SessionShape`), as the live client holds it: the
/// messages so far, each turn's prompt and the endpoint's reply as the endpoint gave it, so that
/// every turn sends the history a real chat client would.
///
/// A conversation's later turns are its opening prompt's own (`Prompt.laterTurns`, a ShareGPT
/// conversation's user turns after its first reply) while it has them; after those, the
/// dataset's next prompts, without their system prompts.
public struct Conversation: Sendable {
    /// Turns sent so far (1 once the opening prompt has gone).
    public private(set) var turnsSent = 0
    /// The history: every turn's messages and the replies to them.
    public private(set) var messages: [ChatMessage] = []
    /// The history's tokens: the latest turn's prompt as the endpoint counted it (or as estimated)
    /// and its reply's.
    public private(set) var historyTokens = 0
    /// The prompt that opened the conversation, and its index in the dataset.
    public private(set) var opener: Prompt?
    public private(set) var openerIndex: Int?

    public init() {}

    /// True when the next turn is the opening prompt's own later turn, not a dataset prompt.
    public var nextTurnIsItsOwn: Bool {
        guard let opener, turnsSent >= 1 else { return false }
        return turnsSent - 1 < opener.laterTurns.count
    }

    /// The request of the conversation's next turn, marking it sent: `prompt` itself (dataset index
    /// `index`) to open the conversation; after that the history followed by the turn's prompt (the
    /// opener's own later turn while it has one, else `prompt`'s follow-up, `Prompt.followUp`), with
    /// that prompt's output cap and request fields.
    public mutating func nextTurn(_ prompt: Prompt, index: Int) -> Prompt {
        turnsSent += 1
        guard turnsSent > 1, let opener else {
            messages = prompt.content.messages
            historyTokens = 0
            opener = prompt
            openerIndex = index
            return prompt
        }
        let turn = turnsSent - 2 < opener.laterTurns.count ? opener.laterTurns[turnsSent - 2] : prompt
        let added = turn.followUp
        messages += added.messages
        return Prompt(
            content: .chat(messages), promptTokens: historyTokens + added.tokens, promptTokensSource: .estimate,
            maxOutputTokens: turn.maxOutputTokens, line: turn.line, replyTokens: turn.replyTokens,
            requestFields: turn.requestFields, sharedPrefix: opener.sharedPrefix)
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
