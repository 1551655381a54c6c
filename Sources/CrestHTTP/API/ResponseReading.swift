import Crest
import Foundation

/// What a response said, as far as measuring goes: how many streamed events carried generated
/// text, the server's token counts, and whether it reported an error or broke the format.
public struct ResponseReading: Sendable, Equatable {
    /// Streamed events that carried generated text (for most servers, one token each).
    public var tokenEvents = 0
    /// The server's own counts, from the usage block (OpenAI) or `details` (TGI).
    public var promptTokens: Int?
    public var completionTokens: Int?
    /// Generated text of a response that was not streamed, kept only to estimate its tokens when
    /// the server gives no count.
    public var unstreamedTextTokens: Int?
    /// The server reported an error inside a successful HTTP response.
    public var isError = false
    /// The response was not the JSON the API promises.
    public var isMalformed = false

    public init() {}

    /// Completion tokens: the server's count, else Crest's estimate, and which it was.
    public var completion: (tokens: Int, source: TokensSource) {
        if let completionTokens { return (completionTokens, .server) }
        return (unstreamedTextTokens ?? tokenEvents, .estimate)
    }
}

extension APIKind {
    /// Reads one streamed event into `reading`. Returns true when the event carried generated text:
    /// the first such event is the first token. Only events that hold a usage block or TGI's
    /// final details are decoded as JSON; the rest are scanned as bytes.
    public func read(_ event: ServerSentEvent, into reading: inout ResponseReading) -> Bool {
        let data = event.data
        if data.elementsEqual("[DONE]".utf8) { return false }
        if event.name.map({ $0.elementsEqual("error".utf8) }) == true || JSONByteScan.contains(key: .error, in: data)
            || containsErrorObject(data) {
            reading.isError = true
            return false
        }
        switch self {
        case .openAIChat, .openAICompletions:
            if JSONByteScan.hasObject(.usage, in: data) { readUsage(data, into: &reading) }
            let textKey: JSONKey = self == .openAIChat ? .content : .text
            let hasText = JSONByteScan.hasNonEmptyString(textKey, in: data)
                || JSONByteScan.hasNonEmptyString(.reasoningContent, in: data)
            if hasText { reading.tokenEvents += 1 }
            return hasText
        case .tgi:
            if JSONByteScan.hasObject(.details, in: data) { readTGIDetails(data, into: &reading) }
            let hasToken = JSONByteScan.hasObject(.token, in: data)
            if hasToken { reading.tokenEvents += 1 }
            return hasToken
        }
    }

    /// Reads a whole response body that was not streamed.
    public func readBody(_ body: [UInt8]) -> ResponseReading {
        var reading = ResponseReading()
        guard let json = try? JSONSerialization.jsonObject(with: Data(body)) else {
            reading.isMalformed = true
            return reading
        }
        // TGI answers /generate with an object, some versions with a one-element array.
        guard let object = (json as? [String: Any]) ?? (json as? [[String: Any]])?.first else {
            reading.isMalformed = true
            return reading
        }
        if object["error"] != nil || object["object"] as? String == "error" {
            reading.isError = true
            return reading
        }
        switch self {
        case .openAIChat, .openAICompletions:
            guard let choice = (object["choices"] as? [[String: Any]])?.first else {
                reading.isMalformed = true
                return reading
            }
            let text = (choice["message"] as? [String: Any])?["content"] as? String ?? choice["text"] as? String ?? ""
            reading.unstreamedTextTokens = TokenEstimator.estimate(text)
            if let usage = object["usage"] as? [String: Any] { apply(usage: usage, to: &reading) }
        case .tgi:
            guard let text = object["generated_text"] as? String else {
                reading.isMalformed = true
                return reading
            }
            reading.unstreamedTextTokens = TokenEstimator.estimate(text)
            if let details = object["details"] as? [String: Any] { reading.completionTokens = details["generated_tokens"] as? Int }
        }
        return reading
    }

    private func containsErrorObject(_ data: [UInt8]) -> Bool {
        guard let start = JSONByteScan.valueStart(of: .object, in: data) else { return false }
        return data[start...].starts(with: "\"error\"".utf8)
    }

    private func readUsage(_ data: [UInt8], into reading: inout ResponseReading) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(data)) as? [String: Any],
              let usage = object["usage"] as? [String: Any] else {
            reading.isMalformed = true
            return
        }
        apply(usage: usage, to: &reading)
    }

    private func apply(usage: [String: Any], to reading: inout ResponseReading) {
        reading.promptTokens = usage["prompt_tokens"] as? Int
        reading.completionTokens = usage["completion_tokens"] as? Int
    }

    private func readTGIDetails(_ data: [UInt8], into reading: inout ResponseReading) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(data)) as? [String: Any],
              let details = object["details"] as? [String: Any] else {
            reading.isMalformed = true
            return
        }
        reading.completionTokens = details["generated_tokens"] as? Int
    }
}
