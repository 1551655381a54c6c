import Crest
import Foundation

/// What the simulated server needs from a request body: OpenAI chat or completions, TGI's native
/// generate, Bedrock's Converse, or TGI's payload sent to a SageMaker endpoint.
struct GenerationRequest {
    enum Kind {
        case chat, completions, tgi, converse, sagemakerTGI

        /// True for the kinds that answer in AWS's shapes: event-stream frames and AWS errors.
        var isAWS: Bool { self == .converse || self == .sagemakerTGI }
    }

    let kind: Kind
    let model: String
    let promptTokens: Int
    /// The system prompt a chat request starts with, known by its text, which the engine's prefix
    /// cache serves to every request that starts with the same one (a nonce in front defeats it).
    /// Only chat messages mark where a shared prefix ends; other prompts are one text.
    private(set) var prefix: SharedPrefix?
    let maxOutputTokens: Int?
    let ignoreEOS: Bool
    let streaming: Bool
    let includeUsage: Bool

    /// Parses `body`; the error says what is wrong. For TGI and the AWS kinds, the route alone says
    /// whether it streams (`routeStreams`).
    init(kind: Kind, body: [UInt8], defaultModel: String, routeStreams: Bool = false) throws {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
            throw GenerationRequestError("the body is not a JSON object")
        }
        self.kind = kind
        model = object["model"] as? String ?? defaultModel
        if kind == .converse {
            guard let messages = object["messages"] as? [[String: Any]], !messages.isEmpty else {
                throw GenerationRequestError("messages must be a non-empty list")
            }
            // Content blocks of text; system prompts apart, and counted too.
            func text(_ blocks: Any?) -> String { (blocks as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }.joined() }
            var conversation = (object["system"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }.map { ChatMessage(role: "system", content: $0) }
            conversation += messages.map { ChatMessage(role: $0["role"] as? String ?? "user", content: text($0["content"])) }
            promptTokens = TokenEstimator.estimate(messages: conversation)
            maxOutputTokens = try Self.positive((object["inferenceConfig"] as? [String: Any])?["maxTokens"], name: "inferenceConfig.maxTokens")
            ignoreEOS = false
            streaming = routeStreams
            includeUsage = true
            return
        }
        if kind == .tgi || kind == .sagemakerTGI {
            guard let inputs = object["inputs"] as? String else { throw GenerationRequestError("'inputs' must be a string") }
            let parameters = object["parameters"] as? [String: Any] ?? [:]
            promptTokens = TokenEstimator.estimate(inputs)
            maxOutputTokens = try Self.positive(parameters["max_new_tokens"], name: "max_new_tokens")
            ignoreEOS = false
            streaming = routeStreams
            includeUsage = parameters["details"] as? Bool ?? false
            return
        }
        switch kind {
        case .chat:
            guard let messages = object["messages"] as? [[String: Any]], !messages.isEmpty else {
                throw GenerationRequestError("'messages' must be a non-empty array")
            }
            let conversation = messages.map { ChatMessage(role: $0["role"] as? String ?? "user", content: $0["content"] as? String ?? "") }
            promptTokens = TokenEstimator.estimate(messages: conversation)
            if conversation.count > 1, conversation[0].role == "system" {
                let system = conversation[0].content
                prefix = SharedPrefix(group: Int(truncatingIfNeeded: fnv1a64(system.utf8)), tokens: TokenEstimator.estimate(system))
            }
        case .completions:
            if let text = object["prompt"] as? String {
                promptTokens = TokenEstimator.estimate(text)
            } else if let texts = object["prompt"] as? [String], let first = texts.first {
                promptTokens = TokenEstimator.estimate(first)
            } else {
                throw GenerationRequestError("'prompt' must be a string")
            }
        case .tgi, .converse, .sagemakerTGI:
            preconditionFailure("TGI and AWS bodies are read above")
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
