import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads prompts from FMBench payload JSONL, OpenAI chat JSONL, ShareGPT (a JSON array or JSON
/// lines), prompt-and-output JSONL or plain text files.
///
/// The format is chosen per file: a file whose text starts with `[` is a ShareGPT array; otherwise
/// its first non-empty line decides: a line that starts with `{` makes the file JSON lines, and
/// that line's `inputs`, `messages`, `conversations` or `prompt` field picks the kind; anything
/// else is plain text with one prompt per line. Every later line must be of the same kind, and any
/// that is not ends the load with an error naming the file, the line and the field.
///
/// Where the dataset holds an answer (a chat or ShareGPT reply, or `output_tokens`), its length is
/// the prompt's output cap unless the line or `defaultMaxOutputTokens` sets one.
public struct DatasetLoader: Sendable {
    /// The output-token cap for prompts whose line sets none (nil: the length of the dataset's
    /// own answer where it holds one, or else let the endpoint decide).
    public var defaultMaxOutputTokens: Int?

    public init(defaultMaxOutputTokens: Int? = nil) {
        self.defaultMaxOutputTokens = defaultMaxOutputTokens
    }

    /// Loads the dataset at `path`.
    /// - Throws: `WorkloadError` naming the file and line of the first problem.
    public func load(path: String) throws -> Dataset {
        var prompts: [Prompt] = []
        let read = try stream(path: path) { prompts.append($0) }
        return read.dataset(prompts)
    }

    /// Parses dataset bytes; `path` names the source in errors.
    public func parse(_ data: Data, path: String) throws -> Dataset {
        var prompts: [Prompt] = []
        var reading = DatasetReading(loader: self, path: path)
        try reading.feed(data) { prompts.append($0) }
        return try reading.finish { prompts.append($0) }.dataset(prompts)
    }

    /// Reads the dataset at `path` a megabyte at a time, handing `each` every prompt as it is read:
    /// memory holds one line or conversation, not the file (`crest datasets import` reads
    /// gigabytes this way). Returns what the file was, once it is all read.
    /// - Throws: `WorkloadError` naming the file and line of the first problem.
    public func stream(path: String, each: (Prompt) throws -> Void) throws -> DatasetRead {
        // Only a regular file is a dataset: reading a FIFO would wait for a writer (Foundation
        // then said "You don't have permission"), and a directory or a device is no list of prompts.
        if let kind = Self.nonRegularKind(path) {
            throw WorkloadError.unreadable(file: path, reason: "it is \(kind), not a regular file")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw WorkloadError.unreadable(file: path, reason: Self.reason(for: CocoaError(.fileReadNoPermission), path: path))
        }
        defer { try? handle.close() }
        var reading = DatasetReading(loader: self, path: path)
        while true {
            let chunk: Data
            do {
                guard let read = try handle.read(upToCount: Self.chunkBytes), !read.isEmpty else { break }
                chunk = read
            } catch {
                throw WorkloadError.unreadable(file: path, reason: Self.reason(for: error, path: path))
            }
            try reading.feed(chunk, each: each)
        }
        return try reading.finish(each: each)
    }

    /// How much of a file is read at a time.
    private static let chunkBytes = 1 << 20

    /// The prompt of a ShareGPT array's element starting on `line`; nil when it holds nothing to send.
    func conversationPrompt(_ bytes: [UInt8], path: String, line: Int, unsent: inout [String: Int]) throws -> Prompt? {
        guard String(validating: bytes, as: UTF8.self) != nil else { throw WorkloadError.unreadable(file: path, reason: "the file is not UTF-8 text") }
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(bytes)), let object = parsed as? [String: Any] else {
            throw WorkloadError.malformedArray(file: path, line: line, reason: Self.notAConversation)
        }
        return try prompt(from: object, format: .shareGPT, path: path, line: line, unsent: &unsent)
    }

    /// The prompt of line `number` of a line format (`format` nil until the first line decides
    /// it); nil for a blank line or a conversation with nothing to send (`skipped` says which).
    func linePrompt(_ line: Substring, number: Int, format: inout DatasetFormat?, path: String, unsent: inout [String: Int]) throws -> (prompt: Prompt?, skipped: Bool) {
        if line.allSatisfy({ $0 == " " || $0 == "\t" }) { return (nil, false) }
        if format == nil { format = try detectFormat(of: line, path: path, line: number) }
        switch format! {
        case .plainText:
            let prompt = String(line)
            return (Prompt(
                content: .text(prompt), promptTokens: TokenEstimator.estimate(prompt),
                promptTokensSource: .estimate, maxOutputTokens: defaultMaxOutputTokens, line: number), false)
        case .fmbenchPayload, .openAIChat, .shareGPT, .promptAndOutput:
            let object = try jsonObject(line, path: path, line: number)
            let prompt = try prompt(from: object, format: format!, path: path, line: number, unsent: &unsent)
            return (prompt, prompt == nil)
        }
    }

    // MARK: - Format detection

    private func detectFormat(of line: Substring, path: String, line number: Int) throws -> DatasetFormat {
        guard line.drop(while: { $0 == " " || $0 == "\t" }).first == "{" else { return .plainText }
        let object = try jsonObject(line, path: path, line: number)
        if object["inputs"] != nil { return .fmbenchPayload }
        if object["messages"] != nil { return .openAIChat }
        if object["conversations"] != nil { return .shareGPT }
        if object["prompt"] != nil { return .promptAndOutput }
        throw WorkloadError.missingField(
            file: path, line: number, field: "inputs",
            expected: "a prompt string (FMBench payload), a 'messages' array (OpenAI chat), a 'conversations' array (ShareGPT) or a 'prompt' string (with 'output_tokens')")
    }

    private func jsonObject(_ line: Substring, path: String, line number: Int) throws -> [String: Any] {
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(line.utf8)),
            let object = parsed as? [String: Any]
        else { throw WorkloadError.notJSON(file: path, line: number) }
        return object
    }

    // MARK: - Lines

    /// The prompt of one JSON line or conversation; nil for a conversation with nothing to send.
    /// Fields it neither reads nor sends are counted in `unsent`.
    private func prompt(from object: [String: Any], format: DatasetFormat, path: String, line: Int, unsent: inout [String: Int]) throws -> Prompt? {
        let content: PromptContent
        var replyTokens: Int?
        var laterTurns: [(text: String, reply: String?)] = []
        switch format {
        case .fmbenchPayload:
            content = .text(try promptText(object, field: "inputs", path: path, line: line))
        case .promptAndOutput:
            content = .text(try promptText(object, field: "prompt", path: path, line: line))
            replyTokens = try optionalCount(object, keys: ["output_tokens", "output_len"], path: path, line: line)
        case .openAIChat:
            var messages = try chatMessages(object["messages"], path: path, line: line)
            // A conversation that ends in the assistant's answer: send what comes before it, and
            // ask for an answer as long as that one.
            if messages.count > 1, let last = messages.last, last.role == "assistant" {
                messages.removeLast()
                replyTokens = Self.replyTokens(last.content)
            } else {
                // The answer's length without its text (as `crest datasets import` writes it).
                replyTokens = try optionalCount(object, keys: ["output_tokens", "output_len"], path: path, line: line)
            }
            content = .chat(messages)
        case .shareGPT:
            guard let (messages, reply, later) = try conversation(object, path: path, line: line) else { return nil }
            content = .chat(messages)
            replyTokens = reply.map(Self.replyTokens)
            laterTurns = later
        case .plainText:
            preconditionFailure("plain text lines are not JSON objects")
        }
        let estimated: Int
        switch content {
        case .text(let text): estimated = TokenEstimator.estimate(text)
        case .chat(let messages): estimated = TokenEstimator.estimate(messages: messages)
        }
        let carried = try optionalCount(object, keys: ["prompt_tokens", "prompt_len"], path: path, line: line)
        let parameters = object["parameters"] as? [String: Any] ?? [:]
        let maxTokens =
            try optionalCount(object, keys: ["max_tokens", "max_completion_tokens", "max_new_tokens"], path: path, line: line)
            ?? optionalCount(parameters, keys: ["max_new_tokens", "max_tokens"], path: path, line: line, prefix: "parameters.")
        var fields: [String: String] = [:]
        for (key, value) in object where !Self.fieldsRead(by: format).contains(key) {
            if Self.requestParameters.contains(key) { fields[key] = Self.jsonText(value) } else { unsent[key, default: 0] += 1 }
        }
        // FMBench's `parameters` are TGI's: its sampling fields are request parameters too.
        for (key, value) in parameters where format == .fmbenchPayload && !Self.capFields.contains(key) {
            if Self.requestParameters.contains(key), fields[key] == nil { fields[key] = Self.jsonText(value) } else { unsent["parameters." + key, default: 0] += 1 }
        }
        // The later turns: each capped as the line caps its first, else as long as the dataset's reply to it.
        let later = laterTurns.map { turn -> Prompt in
            let messages = [ChatMessage(role: "user", content: turn.text)]
            let replyTokens = turn.reply.map(Self.replyTokens)
            return Prompt(
                content: .chat(messages), promptTokens: TokenEstimator.estimate(messages: messages), promptTokensSource: .estimate,
                maxOutputTokens: maxTokens ?? defaultMaxOutputTokens ?? replyTokens, line: line, replyTokens: replyTokens, requestFields: fields)
        }
        return Prompt(
            content: content, promptTokens: carried ?? estimated,
            promptTokensSource: carried == nil ? .estimate : .dataset,
            maxOutputTokens: maxTokens ?? defaultMaxOutputTokens ?? replyTokens, line: line, replyTokens: replyTokens,
            requestFields: fields, laterTurns: later)
    }

    /// Request parameters a line may carry, sent with its request as given: the sampling and
    /// generation fields of the OpenAI API and of vLLM, SGLang, TGI and llama.cpp's extensions.
    /// A line's `model`, `stream` or any other field is not sent, and the load says so.
    public static let requestParameters: Set<String> = [
        "temperature", "top_p", "top_k", "min_p", "typical_p", "seed", "stop", "stop_token_ids", "n", "best_of",
        "presence_penalty", "frequency_penalty", "repetition_penalty", "length_penalty", "logit_bias", "logprobs",
        "top_logprobs", "response_format", "tools", "tool_choice", "parallel_tool_calls", "reasoning_effort", "user",
        "ignore_eos", "min_tokens", "do_sample", "truncate", "watermark", "chat_template_kwargs", "skip_special_tokens",
    ]

    private static let capFields: Set<String> = ["max_tokens", "max_completion_tokens", "max_new_tokens"]

    /// The fields of a line Crest reads itself: its prompt, token counts and caps, and an `id`.
    private static func fieldsRead(by format: DatasetFormat) -> Set<String> {
        let common: Set<String> = capFields.union(["prompt_tokens", "prompt_len", "id"])
        switch format {
        case .fmbenchPayload: return common.union(["inputs", "parameters"])
        case .openAIChat: return common.union(["messages", "output_tokens", "output_len"])
        case .shareGPT: return common.union(["conversations"])
        case .promptAndOutput: return common.union(["prompt", "output_tokens", "output_len"])
        case .plainText: return common
        }
    }

    /// A JSON value as compact JSON text, keys sorted.
    private static func jsonText(_ value: Any) -> String {
        let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys, .withoutEscapingSlashes])
        return data.map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    private func promptText(_ object: [String: Any], field: String, path: String, line: Int) throws -> String {
        guard let value = object[field] else {
            throw WorkloadError.missingField(file: path, line: line, field: field, expected: "the prompt as a string")
        }
        guard let text = value as? String, !text.isEmpty else {
            throw WorkloadError.wrongType(file: path, line: line, field: field, expected: "a non-empty string")
        }
        return text
    }

    static let notAConversation = "expected a JSON object (a conversation) starting on this line"

    /// The length of an answer the dataset holds, for the cap of the request it answers: at least a token.
    private static func replyTokens(_ text: String) -> Int { max(1, TokenEstimator.estimate(text)) }

    /// ShareGPT speakers and the chat roles they take.
    private static let shareGPTRoles = [
        "human": "user", "user": "user", "gpt": "assistant", "assistant": "assistant", "chatgpt": "assistant",
        "bard": "assistant", "model": "assistant", "system": "system",
    ]

    /// A ShareGPT conversation: the turns before its first reply (checked, naming the field), the
    /// reply, and the user's later turns with the replies to them, read up to the first turn that
    /// is not a user's or an assistant's text (a later turn is never an error: a single-request
    /// sweep does not send it); nil when no user turn comes before the first reply (or there is no
    /// turn): nothing to send.
    private func conversation(
        _ object: [String: Any], path: String, line: Int
    ) throws -> (messages: [ChatMessage], reply: String?, later: [(text: String, reply: String?)])? {
        guard let value = object["conversations"] else {
            throw WorkloadError.missingField(file: path, line: line, field: "conversations", expected: "an array of {\"from\", \"value\"} turns (ShareGPT)")
        }
        guard let turns = value as? [Any] else {
            throw WorkloadError.wrongType(file: path, line: line, field: "conversations", expected: "an array of {\"from\", \"value\"} turns")
        }
        var messages: [ChatMessage] = []
        for (index, element) in turns.enumerated() {
            let field = "conversations[\(index)]"
            guard let turn = element as? [String: Any] else {
                throw WorkloadError.wrongType(file: path, line: line, field: field, expected: "an object with 'from' and 'value'")
            }
            guard let speaker = turn["from"] as? String else {
                throw WorkloadError.missingField(file: path, line: line, field: field + ".from", expected: "who speaks: \"human\", \"gpt\" or \"system\"")
            }
            guard let role = Self.shareGPTRoles[speaker.lowercased()] else {
                throw WorkloadError.wrongType(
                    file: path, line: line, field: field + ".from", expected: "\"human\", \"gpt\" or \"system\" (or user, assistant, chatgpt, bard, model), not \"\(speaker)\"")
            }
            guard let text = turn["value"] as? String else {
                if turn["value"] == nil { throw WorkloadError.missingField(file: path, line: line, field: field + ".value", expected: "the turn's text") }
                throw WorkloadError.wrongType(file: path, line: line, field: field + ".value", expected: "a string")
            }
            if role == "assistant" {
                guard messages.contains(where: { $0.role == "user" }) else { return nil }
                return (messages, text, Self.laterTurns(turns.dropFirst(index + 1)))
            }
            messages.append(ChatMessage(role: role, content: text))
        }
        return messages.contains { $0.role == "user" } ? (messages, nil, []) : nil
    }

    /// The user's turns after a conversation's first reply, each with the reply to it (nil for a
    /// last turn unanswered); a user's turns in a row are one, as a chat client sends them.
    private static func laterTurns(_ turns: ArraySlice<Any>) -> [(text: String, reply: String?)] {
        var later: [(text: String, reply: String?)] = []
        var asked: String?
        for element in turns {
            guard let turn = element as? [String: Any], let speaker = (turn["from"] as? String)?.lowercased(),
                let role = shareGPTRoles[speaker], let text = turn["value"] as? String, role != "system"
            else { break }
            if role == "user" {
                asked = asked.map { $0 + "\n\n" + text } ?? text
            } else if let question = asked {
                later.append((question, text))
                asked = nil
            }
        }
        if let asked { later.append((asked, nil)) }
        return later
    }

    private func chatMessages(_ value: Any?, path: String, line: Int) throws -> [ChatMessage] {
        guard let value else {
            throw WorkloadError.missingField(file: path, line: line, field: "messages", expected: "an array of messages")
        }
        guard let array = value as? [Any], !array.isEmpty else {
            throw WorkloadError.wrongType(
                file: path, line: line, field: "messages", expected: "a non-empty array of {\"role\", \"content\"} objects")
        }
        return try array.enumerated().map { index, element in
            let field = "messages[\(index)]"
            guard let message = element as? [String: Any] else {
                throw WorkloadError.wrongType(file: path, line: line, field: field, expected: "an object with 'role' and 'content'")
            }
            guard let role = message["role"] as? String else {
                throw WorkloadError.missingField(file: path, line: line, field: field + ".role", expected: "a string such as \"user\"")
            }
            return ChatMessage(role: role, content: try messageText(message["content"], field: field + ".content", path: path, line: line))
        }
    }

    /// Content is a string, or an array of parts of which the `text` parts count.
    private func messageText(_ value: Any?, field: String, path: String, line: Int) throws -> String {
        if let text = value as? String { return text }
        if let parts = value as? [[String: Any]] {
            return parts.compactMap { $0["text"] as? String }.joined(separator: "\n")
        }
        if value == nil {
            throw WorkloadError.missingField(file: path, line: line, field: field, expected: "the message text")
        }
        throw WorkloadError.wrongType(file: path, line: line, field: field, expected: "a string or an array of text parts")
    }

    private func optionalCount(
        _ object: [String: Any], keys: [String], path: String, line: Int, prefix: String = ""
    ) throws -> Int? {
        for key in keys {
            guard let value = object[key], !(value is NSNull) else { continue }
            // JSONSerialization gives NSNumber for numbers and booleans alike; only booleans are `Bool`.
            // The range is checked on the double: a number past Int's range must not reach intValue.
            guard !(value is Bool), let number = value as? NSNumber, number.doubleValue == number.doubleValue.rounded(),
                number.doubleValue >= 1, number.doubleValue <= Double(Prompt.largestTokenCount)
            else {
                throw WorkloadError.wrongType(
                    file: path, line: line, field: prefix + key, expected: "a whole number from 1 to \(Prompt.largestTokenCount)")
            }
            return number.intValue
        }
        return nil
    }

    /// True when the file at `path` starts, after white space, with `[`: a ShareGPT array rather
    /// than another JSON document. Reads the first few kilobytes only.
    public static func startsAsArray(atPath path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 4096)) ?? nil
        return head?.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) } == UInt8(ascii: "[")
    }

    /// What `path` is when it exists and is not a regular file ("a FIFO", "a directory"); nil
    /// otherwise (reading it then says what is wrong).
    private static func nonRegularKind(_ path: String) -> String? {
        var status = stat()
        // stat follows links: a link to a dataset is the dataset.
        guard stat(path, &status) == 0 else { return nil }
        switch status.st_mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO"
        case S_IFSOCK: return "a socket"
        default: return "a device"
        }
    }

    private static func reason(for error: Error, path: String) -> String {
        if !FileManager.default.fileExists(atPath: path) { return "no such file" }
        return (error as NSError).localizedDescription
    }
}
