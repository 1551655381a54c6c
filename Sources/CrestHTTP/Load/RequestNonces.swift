import Crest

/// A nonce at the start of every request (`--no-prefix-reuse`), so that no two requests share a
/// first token and no prefix cache (vLLM's, SGLang's radix tree, llama.cpp's slots) can serve any
/// part of one: the cold path, even when the dataset repeats its prompts.
///
/// Each prompt's body is built once with a placeholder in front of its first message; each send
/// writes a new value over the placeholder's digits, in place (the body's length never changes,
/// so a prebuilt head's Content-Length stays right).
struct RequestNonces {
    /// What each request starts with: 16 hex digits after "Request ".
    private static let placeholder = "Request 0000000000000000:"
    private static let digitsStart = 8
    private static let digits = 16

    private var random: SeededRandom

    init(seed: UInt64) {
        random = SeededRandom(seed: derivedSeed(seed, 0x4E4F_4E43))
    }

    /// `prompt` with the placeholder at the start of its first message (or its text).
    static func marked(_ prompt: Prompt) -> Prompt {
        let content: PromptContent
        switch prompt.content {
        case .text(let text):
            content = .text(placeholder + " " + text)
        case .chat(var messages):
            if let first = messages.first { messages[0] = ChatMessage(role: first.role, content: placeholder + " " + first.content) }
            content = .chat(messages)
        }
        return Prompt(
            content: content, promptTokens: prompt.promptTokens, promptTokensSource: prompt.promptTokensSource,
            maxOutputTokens: prompt.maxOutputTokens, line: prompt.line, replyTokens: prompt.replyTokens, requestFields: prompt.requestFields)
    }

    /// Where the placeholder's digits are in `body`, a request body built from a marked prompt.
    static func digitsOffset(in body: [UInt8]) -> Int? {
        let pattern = Array(placeholder.utf8)
        guard body.count >= pattern.count else { return nil }
        for start in 0...(body.count - pattern.count) where body[start] == pattern[0] {
            if body[start..<(start + pattern.count)].elementsEqual(pattern) { return start + digitsStart }
        }
        return nil
    }

    /// Writes a new nonce into `bytes` at `offset`.
    mutating func stamp(_ bytes: inout [UInt8], at offset: Int) {
        var value = random.next()
        let hex = Array("0123456789abcdef".utf8)
        for index in stride(from: Self.digits - 1, through: 0, by: -1) {
            bytes[offset + index] = hex[Int(value & 0xF)]
            value >>= 4
        }
    }
}
