import Crest
import Foundation

/// What a response said, as far as measuring goes: how many streamed events carried generated
/// text, the server's token counts, and whether it reported an error or broke the API's shape.
public struct ResponseReading: Sendable, Equatable {
    /// Streamed events that carried generated text (for most servers, one token each).
    public var tokenEvents = 0
    /// Streamed events with data other than `[DONE]`.
    public var dataEvents = 0
    /// The server's own counts, from the usage block (OpenAI) or `details` (TGI).
    public var promptTokens: Int?
    public var completionTokens: Int?
    /// Prompt tokens the server's prefix cache served, where its usage says (OpenAI's and vLLM's
    /// `prompt_tokens_details.cached_tokens`, Converse's `cacheReadInputTokens`).
    public var cachedTokens: Int?
    /// Streamed events that carried the answer proper, and those that carried reasoning
    /// (`ReasoningText`); a reasoning model's first answer token comes after its thinking.
    public var answerEvents = 0
    public var reasoningEvents = 0
    /// Reasoning tokens, where the usage says (`completion_tokens_details.reasoning_tokens`).
    public var reasoningTokens: Int?
    /// The answer's text is inside `<think>` as of the latest event.
    var thinking = false
    /// Times a `</think>` recounted the answer events so far as reasoning.
    var recounts = 0
    /// Generated text of a response that was not streamed, kept only to estimate its tokens when
    /// the server gives no count.
    public var unstreamedTextTokens: Int?
    /// The server reported an error inside a successful HTTP response.
    public var isError = false
    /// The AWS exception an event stream carried (`throttlingException`, `modelStreamErrorException`),
    /// and its message.
    public var exception: (name: String, message: String?)?
    /// How the response broke the API's shape, in words for the report; nil while it has not.
    public var problem: String?

    public init() {}

    public static func == (lhs: ResponseReading, rhs: ResponseReading) -> Bool {
        lhs.tokenEvents == rhs.tokenEvents && lhs.dataEvents == rhs.dataEvents && lhs.promptTokens == rhs.promptTokens
            && lhs.completionTokens == rhs.completionTokens && lhs.cachedTokens == rhs.cachedTokens
            && lhs.answerEvents == rhs.answerEvents && lhs.reasoningEvents == rhs.reasoningEvents && lhs.reasoningTokens == rhs.reasoningTokens
            && lhs.unstreamedTextTokens == rhs.unstreamedTextTokens
            && lhs.isError == rhs.isError && lhs.problem == rhs.problem && lhs.exception?.name == rhs.exception?.name
            && lhs.exception?.message == rhs.exception?.message
    }

    /// The response was not the JSON or event stream the API promises.
    public var isMalformed: Bool { problem != nil }

    /// True when the response generated something: a streamed event with text, an unstreamed
    /// answer with text, or a usage block that counts completion tokens.
    public var generatedAnything: Bool {
        tokenEvents > 0 || (completionTokens ?? 0) > 0 || (unstreamedTextTokens ?? 0) > 0
    }

    /// True when the answer reasoned before it answered, by its events or its usage.
    public var reasoned: Bool { reasoningEvents > 0 || (reasoningTokens ?? 0) > 0 }

    /// Its reasoning tokens: the usage's count, else the reasoning events; nil when it did not reason.
    public var reasoning: Int? { reasoned ? reasoningTokens ?? reasoningEvents : nil }

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
        reading.dataEvents += 1
        if event.name.map({ $0.elementsEqual("error".utf8) }) == true || JSONByteScan.contains(key: .error, in: data)
            || containsErrorObject(data) {
            reading.isError = true
            return false
        }
        // Every event of these APIs is a JSON object. Checking its first and last bytes costs
        // nothing, where decoding each would cost microseconds; it catches text and HTML.
        guard JSONByteScan.isObjectShaped(data) else {
            if reading.problem == nil { reading.problem = "an event's data is not a JSON object: `\(FailureExample.printable(data.prefix(80)))`" }
            return false
        }
        switch self {
        case .bedrock, .sagemakerTGI, .sagemakerOpenAIChat:
            // Their streams are event-stream frames (`ResponseReader.readFrames`): Bedrock's read by
            // `readConverse`, SageMaker's PayloadParts by their container's kind.
            return false
        case .openAIChat, .openAICompletions:
            if JSONByteScan.hasObject(.usage, in: data) { readUsage(data, into: &reading) }
            let hasAnswerText = JSONByteScan.hasNonEmptyString(self == .openAIChat ? .content : .text, in: data)
            var reasoning = self == .openAIChat
                && (JSONByteScan.hasNonEmptyString(.reasoningContent, in: data) || JSONByteScan.hasNonEmptyString(.reasoning, in: data))
            var answer = false
            if hasAnswerText {
                let read = reading.readThinkTags(data)
                reasoning = reasoning || read.reasoning
                answer = read.answer
            }
            if reasoning { reading.reasoningEvents += 1 }
            if answer { reading.answerEvents += 1 }
            let hasText = hasAnswerText || reasoning
            if hasText { reading.tokenEvents += 1 }
            return hasText
        case .tgi:
            if JSONByteScan.hasObject(.details, in: data) { readTGIDetails(data, into: &reading) }
            let hasToken = JSONByteScan.hasObject(.token, in: data)
            if hasToken {
                reading.tokenEvents += 1
                // A reasoning model behind TGI thinks in `<think>` text, as without a reasoning parser.
                let read = reading.readThinkTags(data)
                if read.reasoning { reading.reasoningEvents += 1 }
                if read.answer { reading.answerEvents += 1 }
            }
            return hasToken
        }
    }

    /// Reads a whole response body that was not streamed.
    public func readBody(_ body: [UInt8]) -> ResponseReading {
        if let containerAPI { return containerAPI.readBody(body) }
        var reading = ResponseReading()
        guard !body.isEmpty else {
            reading.problem = "the body is empty"
            return reading
        }
        guard let json = try? JSONSerialization.jsonObject(with: Data(body)) else {
            reading.problem = "the body is not JSON"
            return reading
        }
        // TGI answers /generate with an object, some versions with a one-element array.
        guard let object = (json as? [String: Any]) ?? (json as? [[String: Any]])?.first else {
            reading.problem = "the body is JSON but not an object"
            return reading
        }
        if object["error"] != nil || object["object"] as? String == "error" {
            reading.isError = true
            return reading
        }
        switch self {
        case .bedrock:
            readConverse(object, into: &reading)
        case .openAIChat, .openAICompletions, .sagemakerTGI, .sagemakerOpenAIChat:
            guard let choice = (object["choices"] as? [[String: Any]])?.first else {
                reading.problem = "the JSON has no 'choices'"
                return reading
            }
            let message = choice["message"] as? [String: Any]
            let text = message?["content"] as? String ?? message?["reasoning_content"] as? String ?? choice["text"] as? String ?? ""
            reading.unstreamedTextTokens = TokenEstimator.estimate(text)
            if let usage = object["usage"] as? [String: Any] { apply(usage: usage, to: &reading) }
            // A whole answer's reasoning has no time of its own: only its size is known.
            if let thought = message?["reasoning_content"] as? String ?? message?["reasoning"] as? String, !thought.isEmpty, reading.reasoningTokens == nil {
                reading.reasoningTokens = TokenEstimator.estimate(thought)
            }
        case .tgi:
            guard let text = object["generated_text"] as? String else {
                reading.problem = "the JSON has no 'generated_text'"
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
            if reading.problem == nil { reading.problem = "an event with a usage block is not valid JSON" }
            return
        }
        apply(usage: usage, to: &reading)
    }

    private func apply(usage: [String: Any], to reading: inout ResponseReading) {
        reading.promptTokens = usage["prompt_tokens"] as? Int
        reading.completionTokens = usage["completion_tokens"] as? Int
        reading.cachedTokens = (usage["prompt_tokens_details"] as? [String: Any])?["cached_tokens"] as? Int
        reading.reasoningTokens = (usage["completion_tokens_details"] as? [String: Any])?["reasoning_tokens"] as? Int
    }

    private func readTGIDetails(_ data: [UInt8], into reading: inout ResponseReading) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(data)) as? [String: Any],
              let details = object["details"] as? [String: Any] else {
            if reading.problem == nil { reading.problem = "an event with TGI's details is not valid JSON" }
            return
        }
        reading.completionTokens = details["generated_tokens"] as? Int
    }
}
