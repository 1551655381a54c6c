import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads prompts from FMBench payload JSONL, OpenAI chat JSONL or plain text files.
///
/// The format is chosen per file from its first non-empty line: a line that starts with `{` makes
/// the file JSON lines, and that line's `inputs` or `messages` field picks the kind; anything else
/// is plain text with one prompt per line. Every later line must be of the same kind, and any that
/// is not ends the load with an error naming the file, the line and the field.
public struct DatasetLoader: Sendable {
    /// The output-token cap for prompts whose line sets none (nil: let the endpoint decide).
    public var defaultMaxOutputTokens: Int?

    public init(defaultMaxOutputTokens: Int? = nil) {
        self.defaultMaxOutputTokens = defaultMaxOutputTokens
    }

    /// Loads the dataset at `path`.
    /// - Throws: `WorkloadError` naming the file and line of the first problem.
    public func load(path: String) throws -> Dataset {
        // Only a regular file is a dataset: reading a FIFO would wait for a writer (Foundation
        // then said "You don't have permission"), and a directory or a device is no list of prompts.
        if let kind = Self.nonRegularKind(path) {
            throw WorkloadError.unreadable(file: path, reason: "it is \(kind), not a regular file")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw WorkloadError.unreadable(file: path, reason: Self.reason(for: error, path: path))
        }
        return try parse(data, path: path)
    }

    /// Parses dataset bytes; `path` names the source in errors.
    public func parse(_ data: Data, path: String) throws -> Dataset {
        guard let text = String(data: data, encoding: .utf8) else {
            throw WorkloadError.unreadable(file: path, reason: "the file is not UTF-8 text")
        }
        var format: DatasetFormat?
        var prompts: [Prompt] = []
        var lineNumber = 0
        // "\r\n" is one Character in Swift, so CRLF files need it named as a separator.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            if format == nil { format = try detectFormat(of: line, path: path, line: lineNumber) }
            switch format! {
            case .plainText:
                let prompt = String(line)
                prompts.append(Prompt(
                    content: .text(prompt), promptTokens: TokenEstimator.estimate(prompt),
                    promptTokensSource: .estimate, maxOutputTokens: defaultMaxOutputTokens, line: lineNumber))
            case .fmbenchPayload, .openAIChat:
                let object = try jsonObject(line, path: path, line: lineNumber)
                prompts.append(try prompt(from: object, format: format!, path: path, line: lineNumber))
            }
        }
        guard let format, !prompts.isEmpty else { throw WorkloadError.empty(file: path) }
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let fingerprint = String(fnv1a64(data), radix: 16)
        return Dataset(name: name, path: path, format: format, prompts: prompts, fingerprint: fingerprint)
    }

    // MARK: - Format detection

    private func detectFormat(of line: Substring, path: String, line number: Int) throws -> DatasetFormat {
        guard line.drop(while: { $0 == " " || $0 == "\t" }).first == "{" else { return .plainText }
        let object = try jsonObject(line, path: path, line: number)
        if object["inputs"] != nil { return .fmbenchPayload }
        if object["messages"] != nil { return .openAIChat }
        throw WorkloadError.missingField(
            file: path, line: number, field: "inputs",
            expected: "a prompt string (FMBench payload), or a 'messages' array (OpenAI chat)")
    }

    private func jsonObject(_ line: Substring, path: String, line number: Int) throws -> [String: Any] {
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(line.utf8)),
            let object = parsed as? [String: Any]
        else { throw WorkloadError.notJSON(file: path, line: number) }
        return object
    }

    // MARK: - Lines

    private func prompt(from object: [String: Any], format: DatasetFormat, path: String, line: Int) throws -> Prompt {
        let content: PromptContent
        let estimated: Int
        switch format {
        case .fmbenchPayload:
            guard let value = object["inputs"] else {
                throw WorkloadError.missingField(file: path, line: line, field: "inputs", expected: "the prompt as a string")
            }
            guard let text = value as? String, !text.isEmpty else {
                throw WorkloadError.wrongType(file: path, line: line, field: "inputs", expected: "a non-empty string")
            }
            content = .text(text)
            estimated = TokenEstimator.estimate(text)
        case .openAIChat:
            let messages = try chatMessages(object["messages"], path: path, line: line)
            content = .chat(messages)
            estimated = TokenEstimator.estimate(messages: messages)
        case .plainText:
            preconditionFailure("plain text lines are not JSON objects")
        }
        let carried = try optionalCount(object, keys: ["prompt_tokens", "prompt_len"], path: path, line: line)
        let parameters = object["parameters"] as? [String: Any] ?? [:]
        let maxTokens =
            try optionalCount(object, keys: ["max_tokens", "max_completion_tokens", "max_new_tokens"], path: path, line: line)
            ?? optionalCount(parameters, keys: ["max_new_tokens", "max_tokens"], path: path, line: line, prefix: "parameters.")
        return Prompt(
            content: content, promptTokens: carried ?? estimated,
            promptTokensSource: carried == nil ? .estimate : .dataset,
            maxOutputTokens: maxTokens ?? defaultMaxOutputTokens, line: line)
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
