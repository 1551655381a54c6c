import Crest
import CrestAWS
import Foundation

/// The text of an answer, for a session sweep's next turn, which carries the reply as the endpoint
/// gave it. Only session sweeps read it: decoding every event as JSON costs microseconds that
/// single requests do not spend (`read(_:into:)` scans bytes).
///
/// The answer proper is kept, not a reasoning model's thinking: chat clients send the thinking
/// back to none of these APIs (DeepSeek's and vLLM's reasoning guides drop `reasoning_content`
/// from the history). Text inside `<think>` in the answer's own field stays, as the endpoint sent it.
extension APIKind {
    /// The answer text one streamed server-sent event carries; nil for none.
    public func answerText(inEvent data: [UInt8]) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(data)) as? [String: Any] else { return nil }
        switch self {
        case .openAIChat:
            return ((object["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any])?["content"] as? String
        case .openAICompletions:
            return (object["choices"] as? [[String: Any]])?.first?["text"] as? String
        case .tgi:
            // A special token (an end of sequence) is no text of the answer.
            guard let token = object["token"] as? [String: Any], token["special"] as? Bool != true else { return nil }
            return token["text"] as? String
        case .bedrock, .sagemakerTGI, .sagemakerOpenAIChat:
            return nil
        }
    }

    /// The answer text a Converse stream message carries (Bedrock); nil for none or for reasoning.
    func answerText(inConverse message: EventStreamMessage) -> String? {
        guard message.eventType == "contentBlockDelta",
            let object = try? JSONSerialization.jsonObject(with: Data(message.payload)) as? [String: Any],
            let delta = object["delta"] as? [String: Any]
        else { return nil }
        return delta["text"] as? String
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
