import Crest
import Foundation

/// What the simulated server needs from an OpenAI chat or completions request body.
struct OpenAIRequest {
    enum Kind { case chat, completions }

    let kind: Kind
    let model: String
    let promptTokens: Int
    let maxOutputTokens: Int?
    let ignoreEOS: Bool
    let streaming: Bool
    let includeUsage: Bool

    /// Parses `body`; the error says what is wrong, in the words an OpenAI-compatible server uses.
    init(kind: Kind, body: [UInt8], defaultModel: String) throws {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
            throw OpenAIRequestError("the body is not a JSON object")
        }
        self.kind = kind
        model = object["model"] as? String ?? defaultModel
        switch kind {
        case .chat:
            guard let messages = object["messages"] as? [[String: Any]], !messages.isEmpty else {
                throw OpenAIRequestError("'messages' must be a non-empty array")
            }
            promptTokens = TokenEstimator.estimate(messages: messages.map {
                ChatMessage(role: $0["role"] as? String ?? "user", content: $0["content"] as? String ?? "")
            })
        case .completions:
            if let text = object["prompt"] as? String {
                promptTokens = TokenEstimator.estimate(text)
            } else if let texts = object["prompt"] as? [String], let first = texts.first {
                promptTokens = TokenEstimator.estimate(first)
            } else {
                throw OpenAIRequestError("'prompt' must be a string")
            }
        }
        let maxTokens = object["max_completion_tokens"] ?? object["max_tokens"]
        if let maxTokens, !(maxTokens is NSNull) {
            guard let value = maxTokens as? Int, value > 0 else { throw OpenAIRequestError("'max_tokens' must be a positive integer") }
            maxOutputTokens = value
        } else {
            maxOutputTokens = nil
        }
        ignoreEOS = object["ignore_eos"] as? Bool ?? false
        streaming = object["stream"] as? Bool ?? false
        includeUsage = (object["stream_options"] as? [String: Any])?["include_usage"] as? Bool ?? false
    }
}

struct OpenAIRequestError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
