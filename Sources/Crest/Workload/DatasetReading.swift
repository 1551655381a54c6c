import Foundation

/// What a dataset file was, once read to its end: all a `Dataset` holds but its prompts, which
/// went by one at a time (`DatasetLoader.stream`).
public struct DatasetRead: Sendable {
    public let name: String
    public let path: String
    public let format: DatasetFormat
    public let fingerprint: String
    public let prompts: Int
    public let skippedConversations: Int
    public let unsentFields: [String: Int]

    /// The dataset of these `prompts`, the ones read.
    public func dataset(_ prompts: [Prompt]) -> Dataset {
        Dataset(
            name: name, path: path, format: format, prompts: prompts, fingerprint: fingerprint, skippedConversations: skippedConversations,
            unsentFields: unsentFields)
    }
}

/// Reads a dataset file from pieces of its bytes: the fingerprint over them all, then either a
/// ShareGPT array (a file whose text starts with `[`), element by element, or one line at a time
/// for the line formats. It holds the line or element it is in, never the file.
struct DatasetReading {
    private enum Layout {
        /// No text seen yet but white space, kept until the first character decides.
        case undecided([UInt8])
        case array(JSONArrayElements)
        case lines
    }

    private let loader: DatasetLoader
    private let path: String
    private var fingerprint = FNV1a64()
    private var layout = Layout.undecided([])
    /// The line formats' unfinished line.
    private var pendingLine: [UInt8] = []
    private var lineNumber = 0
    private var format: DatasetFormat?
    private var prompts = 0
    private var skipped = 0
    private var unsent: [String: Int] = [:]

    init(loader: DatasetLoader, path: String) {
        self.loader = loader
        self.path = path
    }

    /// Reads the next piece; `each` gets every prompt that ends in it.
    mutating func feed(_ piece: Data, each: (Prompt) throws -> Void) throws {
        fingerprint.update(piece)
        switch layout {
        case .undecided(var leading):
            guard let first = piece.firstIndex(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else {
                leading.append(contentsOf: piece)
                layout = .undecided(leading)
                return
            }
            leading.append(contentsOf: piece)
            if piece[first] == UInt8(ascii: "[") {
                layout = .array(JSONArrayElements())
            } else {
                layout = .lines
            }
            try read(leading, each: each)
        case .array, .lines:
            try read(Array(piece), each: each)
        }
    }

    /// Ends the file: its last line, or the array's close, and what it was.
    mutating func finish(each: (Prompt) throws -> Void) throws -> DatasetRead {
        switch layout {
        case .undecided:
            throw WorkloadError.empty(file: path)
        case .array(let scan):
            do { try scan.finish() } catch let error as JSONArrayElements.ScanError { throw arrayError(error) }
        case .lines:
            if !pendingLine.isEmpty {
                try line(pendingLine, each: each)
                pendingLine = []
            }
        }
        guard prompts > 0, let format = format ?? (isArray ? .shareGPT : nil) else { throw WorkloadError.empty(file: path) }
        return DatasetRead(
            name: URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent, path: path, format: format,
            fingerprint: String(fingerprint.value, radix: 16), prompts: prompts, skippedConversations: skipped, unsentFields: unsent)
    }

    private var isArray: Bool {
        if case .array = layout { return true }
        return false
    }

    private mutating func read(_ bytes: [UInt8], each: (Prompt) throws -> Void) throws {
        guard case .array(var scan) = layout else { return try readLines(bytes, each: each) }
        do {
            try scan.feed(bytes) { element in
                if let prompt = try loader.conversationPrompt(element.bytes, path: path, line: element.line, unsent: &unsent) {
                    prompts += 1
                    try each(prompt)
                } else {
                    skipped += 1
                }
            }
        } catch let error as JSONArrayElements.ScanError {
            throw arrayError(error)
        }
        layout = .array(scan)
    }

    private mutating func readLines(_ bytes: [UInt8], each: (Prompt) throws -> Void) throws {
        var start = 0
        while let end = bytes[start...].firstIndex(of: 0x0A) {
            if pendingLine.isEmpty {
                try line(Array(bytes[start..<end]), each: each)
            } else {
                pendingLine.append(contentsOf: bytes[start..<end])
                try line(pendingLine, each: each)
                pendingLine.removeAll(keepingCapacity: true)
            }
            start = end + 1
        }
        pendingLine.append(contentsOf: bytes[start...])
    }

    /// One line of a line format, without its newline (and a CR before it).
    private mutating func line(_ bytes: [UInt8], each: (Prompt) throws -> Void) throws {
        lineNumber += 1
        let content = bytes.last == 0x0D ? bytes.dropLast() : bytes[...]
        guard let text = String(validating: content, as: UTF8.self) else {
            throw WorkloadError.unreadable(file: path, reason: "the file is not UTF-8 text")
        }
        let read = try loader.linePrompt(text[...], number: lineNumber, format: &format, path: path, unsent: &unsent)
        if let prompt = read.prompt {
            prompts += 1
            try each(prompt)
        } else if read.skipped {
            skipped += 1
        }
    }

    private func arrayError(_ error: JSONArrayElements.ScanError) -> WorkloadError {
        switch error {
        case .notAnArray(let line), .unterminated(let line):
            return WorkloadError.malformedArray(file: path, line: line, reason: "the JSON array of conversations does not close")
        case .trailingText(let line):
            return WorkloadError.malformedArray(file: path, line: line, reason: "text follows the JSON array's closing bracket")
        case .malformedElement(let line):
            return WorkloadError.malformedArray(file: path, line: line, reason: DatasetLoader.notAConversation)
        }
    }
}
