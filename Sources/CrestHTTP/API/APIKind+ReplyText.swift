import Crest
import CrestAWS
import Foundation

/// The text of an answer, for a session sweep's next turn, which carries the reply as the endpoint
/// gave it. Only session sweeps read it. A streamed event's text is read from its bytes
/// (`JSONByteScan.stringValue`), as `read(_:into:)` reads the rest: decoding every event as JSON
/// cost the client tens of microseconds an event.
///
/// The answer proper is kept, not a reasoning model's thinking: chat clients send the thinking
/// back to none of these APIs (DeepSeek's and vLLM's reasoning guides drop `reasoning_content`
/// from the history). Text inside `<think>` in the answer's own field stays, as the endpoint sent it.
extension APIKind {
    /// The answer text one streamed server-sent event carries; nil for none.
    ///
    /// The first string its key holds: a chat delta's `content` (a `reasoning_content` is another
    /// key; logprobs' `content` is an array), a completion's `text`, a TGI token's `text` (before
    /// the `generated_text` and `top_tokens` of its event, and never `"generated_text":`).
    public func answerText(inEvent data: [UInt8]) -> String? {
        switch self {
        case .openAIChat:
            return JSONByteScan.stringValue(of: .content, in: data)
        case .openAICompletions:
            return JSONByteScan.stringValue(of: .text, in: data)
        case .tgi:
            // A special token (an end of sequence) is no text of the answer.
            guard JSONByteScan.hasObject(.token, in: data), !JSONByteScan.isTrue(.special, in: data) else { return nil }
            return JSONByteScan.stringValue(of: .text, in: data)
        case .bedrock, .sagemakerTGI, .sagemakerOpenAIChat:
            return nil
        }
    }

    /// The answer text a Converse stream message carries (Bedrock): a text delta's; nil for none
    /// or for reasoning (whose `text` is inside `reasoningContent`).
    func answerText(inConverse message: EventStreamMessage) -> String? {
        guard message.eventType == "contentBlockDelta", !JSONByteScan.hasObject(.converseReasoning, in: message.payload) else { return nil }
        return JSONByteScan.stringValue(of: .text, in: message.payload)
    }

    /// The answer text of a whole response that was not streamed; nil when it has none.
    public func answerText(ofBody body: [UInt8]) -> String? {
        if let containerAPI { return containerAPI.answerText(ofBody: body) }
        guard let json = try? JSONSerialization.jsonObject(with: Data(body)) else { return nil }
        guard let object = (json as? [String: Any]) ?? (json as? [[String: Any]])?.first else { return nil }
        switch self {
        case .openAIChat, .openAICompletions, .sagemakerTGI, .sagemakerOpenAIChat:
            let choice = (object["choices"] as? [[String: Any]])?.first
            return (choice?["message"] as? [String: Any])?["content"] as? String ?? choice?["text"] as? String
        case .tgi:
            return object["generated_text"] as? String
        case .bedrock:
            let content = ((object["output"] as? [String: Any])?["message"] as? [String: Any])?["content"] as? [[String: Any]]
            return content?.compactMap { $0["text"] as? String }.joined()
        }
    }
}
