/// Which streamed text is a reasoning model's thinking and which its answer. Servers say it in one
/// of two ways: a field of its own (`reasoning_content` for vLLM, SGLang and DeepSeek;
/// `reasoning` for llama.cpp and Ollama), or `<think>...</think>` inside the answer's own text
/// (a model served without a reasoning parser). A template that opens the thinking in the prompt
/// (DeepSeek-R1's) streams no `<think>`: its text is taken for the answer until `</think>` comes,
/// and then recounted as reasoning (`ResponseReading.recountAsReasoning`).
///
/// Read from the event's bytes, as the rest of a stream is: the tags are plain ASCII inside a JSON
/// string, which JSON never escapes.
enum ReasoningText {
    private static let opening = Array("<think>".utf8)
    private static let closing = Array("</think>".utf8)

    /// What an event whose answer text is non-empty carried, given whether the thinking was open
    /// before it: reasoning, answer text, or both, and whether the thinking is open after it.
    static func classify(_ data: [UInt8], thinking: Bool) -> (reasoning: Bool, answer: Bool, thinkingAfter: Bool, closedUnopened: Bool) {
        if let end = find(closing, in: data) {
            return (true, hasTextAfter(end + closing.count, in: data), false, !thinking && find(opening, in: data) == nil)
        }
        if find(opening, in: data) != nil { return (true, false, true, false) }
        return thinking ? (true, false, true, false) : (false, true, false, false)
    }

    /// True when the JSON string going on at `index` holds more than whitespace (escaped or not)
    /// before it closes.
    private static func hasTextAfter(_ index: Int, in data: [UInt8]) -> Bool {
        var index = index
        while index < data.count {
            switch data[index] {
            case UInt8(ascii: "\""): return false
            case UInt8(ascii: " "): index += 1
            case UInt8(ascii: "\\") where index + 1 < data.count && [UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t")].contains(data[index + 1]):
                index += 2
            default: return true
            }
        }
        return false
    }

    private static func find(_ needle: [UInt8], in data: [UInt8]) -> Int? {
        guard data.count >= needle.count else { return nil }
        for start in 0...(data.count - needle.count) where data[start] == needle[0] {
            if data[start..<(start + needle.count)].elementsEqual(needle) { return start }
        }
        return nil
    }
}

extension ResponseReading {
    /// `</think>` closed a thinking no `<think>` opened (the template opened it in the prompt):
    /// every answer event so far was reasoning.
    mutating func recountAsReasoning() {
        reasoningEvents += answerEvents
        answerEvents = 0
        recounts += 1
    }
}
