import Crest
import Foundation

/// The request and response shapes Crest speaks.
public enum APIKind: String, Sendable, CaseIterable {
    /// OpenAI chat completions (`/v1/chat/completions`): vLLM, SGLang, llama-server, Ollama, hosted APIs.
    case openAIChat = "openai-chat"
    /// OpenAI text completions (`/v1/completions`).
    case openAICompletions = "openai-completions"
    /// Hugging Face Text Generation Inference's native API (`/generate_stream`, `/generate`).
    case tgi

    /// The path requests go to when the URL names none.
    public func defaultPath(streaming: Bool) -> String {
        switch self {
        case .openAIChat: return "/v1/chat/completions"
        case .openAICompletions: return "/v1/completions"
        case .tgi: return streaming ? "/generate_stream" : "/generate"
        }
    }

    /// The JSON body for `prompt`. `extraFields` (already parsed JSON values) are merged at the top
    /// level for the OpenAI kinds and into `parameters` for TGI; they win over Crest's own fields.
    public func body(
        for prompt: Prompt, model: String, streaming: Bool, maxOutputTokens: Int?, extraFields: [String: Any]
    ) throws -> [UInt8] {
        var object: [String: Any]
        switch self {
        case .openAIChat, .openAICompletions:
            object = ["model": model, "stream": streaming]
            if self == .openAIChat {
                let messages: [ChatMessage]
                switch prompt.content {
                case .chat(let conversation): messages = conversation
                case .text(let text): messages = [ChatMessage(role: "user", content: text)]
                }
                object["messages"] = messages.map { ["role": $0.role, "content": $0.content] }
            } else {
                object["prompt"] = prompt.content.joinedText
            }
            // The usage block gives exact token counts; without this option servers leave it out
            // of streams.
            if streaming { object["stream_options"] = ["include_usage": true] }
            if let maxOutputTokens { object["max_tokens"] = maxOutputTokens }
            object.merge(extraFields) { _, extra in extra }
        case .tgi:
            // `details` makes TGI report the number of generated tokens.
            var parameters: [String: Any] = ["details": true]
            if let maxOutputTokens { parameters["max_new_tokens"] = maxOutputTokens }
            parameters.merge(extraFields) { _, extra in extra }
            object = ["inputs": prompt.content.joinedText, "parameters": parameters]
        }
        return Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
    }
}
