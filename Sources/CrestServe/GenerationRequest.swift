import Crest
import Foundation

/// What the simulated server needs from a request body: OpenAI chat or completions, or TGI's
/// native generate.
struct GenerationRequest {
    enum Kind { case chat, completions, tgi }

    let kind: Kind
    let model: String
    let promptTokens: Int
    let maxOutputTokens: Int?
    let ignoreEOS: Bool
    let streaming: Bool
    let includeUsage: Bool

    /// Parses `body`; the error says what is wrong. TGI's route alone says whether it streams.
    init(kind: Kind, body: [UInt8], defaultModel: String, tgiStreaming: Bool = false) throws {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
            throw GenerationRequestError("the body is not a JSON object")
        }
        self.kind = kind
        model = object["model"] as? String ?? defaultModel
        if kind == .tgi {
            guard let inputs = object["inputs"] as? String else { throw GenerationRequestError("'inputs' must be a string") }
            let parameters = object["parameters"] as? [String: Any] ?? [:]
            promptTokens = TokenEstimator.estimate(inputs)
            maxOutputTokens = try Self.positive(parameters["max_new_tokens"], name: "max_new_tokens")
            ignoreEOS = false
            streaming = tgiStreaming
            includeUsage = parameters["details"] as? Bool ?? false
            return
        }
        switch kind {
        case .chat:
            guard let messages = object["messages"] as? [[String: Any]], !messages.isEmpty else {
                throw GenerationRequestError("'messages' must be a non-empty array")
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
                throw GenerationRequestError("'prompt' must be a string")
            }
        case .tgi:
            preconditionFailure("TGI bodies are read above")
        }
        maxOutputTokens = try Self.positive(object["max_completion_tokens"] ?? object["max_tokens"], name: "max_tokens")
        ignoreEOS = object["ignore_eos"] as? Bool ?? false
        streaming = object["stream"] as? Bool ?? false
        includeUsage = (object["stream_options"] as? [String: Any])?["include_usage"] as? Bool ?? false
    }

    private static func positive(_ value: Any?, name: String) throws -> Int? {
        guard let value, !(value is NSNull) else { return nil }
        guard let number = value as? Int, number > 0 else { throw GenerationRequestError("'\(name)' must be a positive integer") }
        return number
    }
}

struct GenerationRequestError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
