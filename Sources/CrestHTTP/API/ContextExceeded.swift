/// Whether an endpoint's refusal says the prompt (with its output cap) is longer than the model's
/// context: a fault of the workload, not of the load, which fails the same prompt at every
/// concurrency. Engines say it in their own words, with no common code, so it is read from the
/// refusal's text:
///
/// - vLLM and OpenAI: "This model's maximum context length is 4096 tokens. However, you requested
///   ..." (OpenAI adds the code `context_length_exceeded`); older vLLM "Input prompt (N tokens) is
///   too long and exceeds limit of M".
/// - SGLang: "The input (N tokens) is longer than the model's context length (M tokens)."
/// - llama.cpp: type `exceed_context_size_error`, "the request exceeds the available context size".
/// - TGI (and SageMaker's ModelError carrying its 422): "Input validation error: `inputs` tokens +
///   `max_new_tokens` must be <= 4096", or "`inputs` must have less than 4096 tokens".
/// - Bedrock: "Input is too long for requested model.", Anthropic's "prompt is too long: N tokens >
///   M maximum", "too many input tokens".
enum ContextExceeded {
    /// How much of a body is read: every engine above says it in its first few hundred bytes.
    private static let bytesRead = 4096

    /// Phrases any one of which says it.
    private static let phrases = [
        "maximum context length", "context_length_exceeded", "exceed_context_size", "exceeds the available context",
        "model's context length", "is too long and exceeds limit", "input is too long", "prompt is too long",
        "too many input tokens",
    ]

    /// TGI's validation errors name no context: they say the input's tokens must stay under a
    /// bound (a bound on `max_new_tokens` alone is the output cap's, not the prompt's).
    private static let boundPhrases = ["must be <=", "must have less than"]

    /// True when `body`, a refusal's text, says the request does not fit the model's context.
    static func matches(_ body: [UInt8]) -> Bool {
        let text = String(decoding: body.prefix(bytesRead), as: UTF8.self).lowercased()
        if phrases.contains(where: text.contains) { return true }
        return text.contains("`inputs`") && boundPhrases.contains(where: text.contains)
    }
}
