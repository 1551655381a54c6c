/// How a sweep shapes its requests beyond the dataset's prompts: a system prompt shared by groups
/// of them, and whether an endpoint may reuse what requests have in common (issue 17, point 3).
///
/// Prefix caching (vLLM's automatic prefix caching, SGLang's radix cache, llama.cpp's slot cache)
/// turns a prompt that starts like an earlier one into a much cheaper request: production traffic,
/// where every request carries the same long system prompt, meets a very different endpoint from a
/// benchmark of unrelated prompts, and a benchmark that repeats its prompts meets a flattered one.
public struct WorkloadShape: Sendable, Equatable, Codable {
    /// The tokens of the system prompt prepended to every request; nil for none.
    public var sharedPrefixTokens: Int?
    /// How many different system prompts there are; prompt i gets number i mod `prefixGroups`.
    public var prefixGroups: Int
    /// False to make every request unique from its first token (a nonce at its start), so no
    /// cache can serve any part of it: the cold path.
    public var prefixReuse: Bool
    /// True to ask every answer to run to its cap (`--min-output-tokens`: `min_tokens` and
    /// `ignore_eos`, which vLLM, SGLang and llama.cpp honour), so the lengths are the dataset's
    /// (or `--max-tokens`), not the model's; whether the endpoint did shows in `Sample.askedTokens`.
    public var answersToCap: Bool
    /// Each client a user holding conversations of several turns (`--session-turns`); nil for
    /// single requests.
    public var sessions: SessionShape?

    public init(
        sharedPrefixTokens: Int? = nil, prefixGroups: Int = 1, prefixReuse: Bool = true, answersToCap: Bool = false, sessions: SessionShape? = nil
    ) {
        self.sharedPrefixTokens = sharedPrefixTokens
        self.prefixGroups = prefixGroups
        self.prefixReuse = prefixReuse
        self.answersToCap = answersToCap
        self.sessions = sessions
    }

    /// Requests as the dataset has them.
    public static let plain = WorkloadShape()

    public var isPlain: Bool { self == .plain }

    /// The most system prompts a sweep may have: more would be no shared prefix at all.
    public static let mostPrefixGroups = 10_000

    /// "a shared system prompt of 2000 tokens (4 of them), every request unique": what the sweep's
    /// first line, the report and `crest compare` say of the shape; "" when plain.
    public var summary: String {
        var parts: [String] = []
        if let tokens = sharedPrefixTokens {
            parts.append("a shared system prompt of \(tokens) tokens" + (prefixGroups > 1 ? " (\(prefixGroups) of them)" : ""))
        }
        if !prefixReuse { parts.append("every request unique (no prefix reuse)") }
        if answersToCap { parts.append("answers asked to run to their cap (min_tokens, ignore_eos)") }
        if let sessions { parts.append(sessions.summary) }
        return parts.joined(separator: ", ")
    }

    /// "shared prefix 2000×4, unique requests": the shape in a few words, for labels and tables.
    public var tag: String {
        var parts: [String] = []
        if let tokens = sharedPrefixTokens { parts.append("shared prefix \(tokens)" + (prefixGroups > 1 ? "×\(prefixGroups)" : "")) }
        if !prefixReuse { parts.append("unique requests") }
        if answersToCap { parts.append("answers to cap") }
        if let sessions { parts.append(sessions.tag) }
        return parts.joined(separator: ", ")
    }

    enum CodingKeys: String, CodingKey {
        case sharedPrefixTokens = "shared_prefix_tokens"
        case prefixGroups = "prefix_groups"
        case prefixReuse = "prefix_reuse"
        case answersToCap = "min_output_tokens"
        case sessions
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sharedPrefixTokens = try container.decodeIfPresent(Int.self, forKey: .sharedPrefixTokens)
        prefixGroups = try container.decode(Int.self, forKey: .prefixGroups)
        prefixReuse = try container.decode(Bool.self, forKey: .prefixReuse)
        // Sweeps written before the field asked for no lengths.
        answersToCap = try container.decodeIfPresent(Bool.self, forKey: .answersToCap) ?? false
        sessions = try container.decodeIfPresent(SessionShape.self, forKey: .sessions)
    }
}

/// The system prompt a request shares with others of its group, as the simulator's prefix cache
/// knows it: which one, and how many tokens it has.
public struct SharedPrefix: Sendable, Equatable, Hashable {
    public let group: Int
    public let tokens: Int

    public init(group: Int, tokens: Int) {
        self.group = group
        self.tokens = tokens
    }
}

extension Dataset {
    /// The seed of the system prompts: fixed, so that sweeps with different seeds (or of different
    /// datasets) share the same prefixes and differ only where they mean to.
    private static let systemPromptSeed: UInt64 = 0x5359_5354_454D

    /// This dataset with its requests shaped by `shape`: each prompt gets its group's system prompt
    /// in front, as a system message (merged into one it already has; a text prompt becomes the
    /// user's message after it, which APIs of plain text get a blank line after the system prompt),
    /// counted in its tokens (an estimate, so marked as one).
    /// Without reuse a prompt keeps no shared prefix: the live client puts a nonce in front of
    /// every request, and the simulator's cache has nothing to match.
    public func shaped(_ shape: WorkloadShape) -> Dataset {
        guard !shape.isPlain else { return self }
        var systemPrompts: [(text: String, tokens: Int)] = []
        if let tokens = shape.sharedPrefixTokens {
            systemPrompts = (0..<shape.prefixGroups).map { group in
                var writer = SyntheticText(seed: derivedSeed(Self.systemPromptSeed, UInt64(group)))
                let text = writer.systemPrompt(targetTokens: tokens)
                return (text, TokenEstimator.estimate(text))
            }
        }
        let shapedPrompts = prompts.enumerated().map { index, prompt -> Prompt in
            let asked = shape.answersToCap ? prompt.askingForItsCap() : prompt
            guard !systemPrompts.isEmpty else { return asked }
            let group = index % systemPrompts.count
            let system = systemPrompts[group]
            return asked.prefixed(
                by: system.text, tokens: system.tokens, shared: shape.prefixReuse ? SharedPrefix(group: group, tokens: system.tokens) : nil)
        }
        return Dataset(
            name: name, path: path, format: format, prompts: shapedPrompts, fingerprint: fingerprint,
            skippedConversations: skippedConversations, unsentFields: unsentFields, shape: shape, sentLineFields: sentLineFields)
    }
}

extension Prompt {
    /// This prompt asking its answer to run to its cap: `min_tokens` at the cap and `ignore_eos`,
    /// unless its line sets them itself; unchanged when it has no cap (nothing to ask for). Its
    /// later turns ask for theirs.
    func askingForItsCap() -> Prompt {
        guard let cap = maxOutputTokens else { return self }
        var fields = requestFields
        if fields["min_tokens"] == nil { fields["min_tokens"] = "\(cap)" }
        if fields["ignore_eos"] == nil { fields["ignore_eos"] = "true" }
        return Prompt(
            content: content, promptTokens: promptTokens, promptTokensSource: promptTokensSource, maxOutputTokens: cap, line: line,
            replyTokens: replyTokens, requestFields: fields, sharedPrefix: sharedPrefix, laterTurns: laterTurns.map { $0.askingForItsCap() })
    }

    /// This prompt with `system` in front, `tokens` more, sharing `shared` with its group.
    func prefixed(by system: String, tokens: Int, shared: SharedPrefix?) -> Prompt {
        let content: PromptContent
        switch self.content {
        case .text(let text):
            // A chat API sends it as a system message, which is where endpoints look for one.
            content = .chat([ChatMessage(role: "system", content: system), ChatMessage(role: "user", content: text)])
        case .chat(var messages):
            if let first = messages.first, first.role == "system" {
                messages[0] = ChatMessage(role: "system", content: system + "\n\n" + first.content)
            } else {
                messages.insert(ChatMessage(role: "system", content: system), at: 0)
            }
            content = .chat(messages)
        }
        // A conversation has its system prompt once, at its start: its later turns go without.
        return Prompt(
            content: content, promptTokens: promptTokens + tokens, promptTokensSource: .estimate, maxOutputTokens: maxOutputTokens,
            line: line, replyTokens: replyTokens, requestFields: requestFields, sharedPrefix: shared, laterTurns: laterTurns)
    }
}
