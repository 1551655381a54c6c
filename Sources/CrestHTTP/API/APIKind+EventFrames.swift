import Crest
import CrestAWS
import Foundation

extension APIKind {
    /// Reads one Converse stream message into `reading` (Bedrock). Returns true when it carried
    /// generated text: a `contentBlockDelta` with text (or reasoning text), never `messageStart`,
    /// which Bedrock sends before the model has produced anything. The `metadata` event gives
    /// the token counts; an exception message is the stream failing.
    func readConverse(_ message: EventStreamMessage, into reading: inout ResponseReading) -> Bool {
        if recordedException(message, into: &reading) { return false }
        reading.dataEvents += 1
        guard JSONByteScan.isObjectShaped(message.payload) else {
            if reading.problem == nil {
                reading.problem = "a \(message.eventType ?? "stream") event's payload is not a JSON object: `\(FailureExample.printable(message.payload.prefix(80)))`"
            }
            return false
        }
        switch message.eventType {
        case "contentBlockDelta":
            guard JSONByteScan.hasObject(.delta, in: message.payload), JSONByteScan.hasNonEmptyString(.text, in: message.payload) else { return false }
            reading.tokenEvents += 1
            if JSONByteScan.hasObject(.converseReasoning, in: message.payload) { reading.reasoningEvents += 1 } else { reading.answerEvents += 1 }
            return true
        case "metadata":
            guard let object = try? JSONSerialization.jsonObject(with: Data(message.payload)) as? [String: Any] else {
                if reading.problem == nil { reading.problem = "the metadata event is not valid JSON" }
                return false
            }
            if let usage = object["usage"] as? [String: Any] { applyConverse(usage: usage, to: &reading) }
            return false
        default:
            return false
        }
    }

    /// Marks `reading` failed when `message` is an exception or an error, naming it as AWS does;
    /// returns true when it was one.
    func recordedException(_ message: EventStreamMessage, into reading: inout ResponseReading) -> Bool {
        switch message.messageType {
        case "exception":
            let text = (try? JSONSerialization.jsonObject(with: Data(message.payload)) as? [String: Any])?["message"] as? String
            reading.isError = true
            if reading.exception == nil { reading.exception = (message.exceptionType ?? "exception", text) }
            return true
        case "error":
            reading.isError = true
            if reading.exception == nil { reading.exception = (message.errorCode ?? "error", message[header: ":error-message"]?.string) }
            return true
        default:
            return false
        }
    }

    /// A whole Converse answer: `output.message.content[].text` and `usage`.
    func readConverse(_ object: [String: Any], into reading: inout ResponseReading) {
        guard let message = (object["output"] as? [String: Any])?["message"] as? [String: Any],
            let content = message["content"] as? [[String: Any]]
        else {
            reading.problem = "the JSON has no 'output.message.content'"
            return
        }
        let text = content.compactMap { $0["text"] as? String }.joined()
        reading.unstreamedTextTokens = TokenEstimator.estimate(text)
        if let usage = object["usage"] as? [String: Any] { applyConverse(usage: usage, to: &reading) }
    }

    private func applyConverse(usage: [String: Any], to reading: inout ResponseReading) {
        reading.promptTokens = usage["inputTokens"] as? Int
        reading.completionTokens = usage["outputTokens"] as? Int
        reading.cachedTokens = usage["cacheReadInputTokens"] as? Int
    }
}
