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
        let (opens, closesAt) = tags(in: data)
        if let end = closesAt {
            return (true, hasTextAfter(end + closing.count, in: data), false, !thinking && !opens)
        }
        if opens { return (true, false, true, false) }
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

    /// Whether `data` holds `<think>`, and where its first `</think>` starts: one pass over an
    /// event's bytes (this runs on every streamed token), looking further only at a `<`.
    private static func tags(in data: [UInt8]) -> (opens: Bool, closesAt: Int?) {
        var opens = false
        var index = 0
        while index < data.count {
            if data[index] == UInt8(ascii: "<") {
                if matches(closing, in: data, at: index) { return (opens, index) }
                if matches(opening, in: data, at: index) { opens = true }
            }
            index += 1
        }
        return (opens, nil)
    }

    private static func matches(_ tag: [UInt8], in data: [UInt8], at index: Int) -> Bool {
        index + tag.count <= data.count && data[index..<(index + tag.count)].elementsEqual(tag)
    }
}

extension ResponseReading {
    /// `</think>` closed a thinking no `<think>` opened (the template opened it in the prompt):
    /// every answer event so far was reasoning.
    /// Reads an event's answer text for think tags: whether it was reasoning or answer, keeping
    /// track of an open thinking and recounting when a `</think>` closes one the prompt opened.
    mutating func readThinkTags(_ data: [UInt8]) -> (reasoning: Bool, answer: Bool) {
        let read = ReasoningText.classify(data, thinking: thinking)
        thinking = read.thinkingAfter
        if read.closedUnopened { recountAsReasoning() }
        return (read.reasoning, read.answer)
    }

    mutating func recountAsReasoning() {
        reasoningEvents += answerEvents
        answerEvents = 0
        recounts += 1
    }
}
