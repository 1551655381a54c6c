/// Reads one line of `samples.jsonl` from its bytes, without Foundation's JSON: a million lines
/// take about a second here, where `JSONDecoder` takes over ten (swift-linux.md §7). It reads any
/// flat JSON object with these keys, in any order and with any spacing; strings carry no escapes
/// (Crest writes none in these fields).
struct SampleLineParser {
    /// What is wrong with a line: the field, if known, and what was expected.
    struct Failure: Error, Equatable {
        let field: String?
        let expected: String
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// The line's search step and its sample.
    static func parse(_ line: UnsafeBufferPointer<UInt8>) throws -> (step: Int, sample: Sample) {
        var parser = SampleLineParser(line)
        return try parser.object()
    }

    private mutating func object() throws -> (step: Int, sample: Sample) {
        var step = 0, level: Int?, client: Int?, seq: Int?, promptIndex: Int?, sentAt: Int64?, firstTokenAt: Int64?
        var finishedAt: Int64?, promptTokens: Int?, completionTokens: Int?, tokensSource: TokensSource?, outcome: Outcome?
        var phase: Phase?, sendLag: Int64?, gaps: [Int64]?, errorName: String?, fault: Fault?, retryAfter: Int64?
        var cachedTokens: Int?, firstAnswerAt: Int64?, reasoningTokens: Int?, askedTokens: Int?, turn: Int?
        try expect(UInt8(ascii: "{"), field: nil, "a JSON object")
        skipSpaces()
        if peek == UInt8(ascii: "}") { index += 1 } else {
            while true {
                let field = try key()
                let key = field.name
                skipSpaces()
                try expect(UInt8(ascii: ":"), field: key, "':' after the key")
                skipSpaces()
                switch field {
                case .step: step = Int(try integer(key, in: 1...Self.largestCount))
                case .level: level = Int(try integer(key, in: 1...Int64(Level.maximumConcurrency)))
                case .client: client = Int(try integer(key, in: 0...Int64(Level.maximumConcurrency - 1)))
                case .seq: seq = Int(try integer(key, in: 0...Self.largestCount))
                case .promptIndex: promptIndex = Int(try integer(key, in: 0...Self.largestCount))
                // Times count from the sweep's origin and only their differences matter: any Int64.
                case .sentAt: sentAt = try integer(key)
                case .firstTokenAt: firstTokenAt = try nullOr { try $0.integer(key) }
                case .finishedAt: finishedAt = try integer(key)
                case .promptTokens: promptTokens = Int(try integer(key, in: 0...Int64(Prompt.largestTokenCount)))
                case .completionTokens: completionTokens = Int(try integer(key, in: 0...Int64(Prompt.largestTokenCount)))
                case .tokensSource: tokensSource = try enumeration(key)
                case .outcome: outcome = try enumeration(key)
                case .phase: phase = try enumeration(key)
                case .sendLag: sendLag = try nullOr { try $0.integer(key, in: 0...Int64.max) }
                case .interTokenGaps: gaps = try nullOr { try $0.integers(key) }
                case .errorName: errorName = try nullOr { try $0.string(field: key) }
                case .fault: fault = try nullOr { try $0.enumeration(key) }
                case .retryAfter: retryAfter = try nullOr { try $0.integer(key, in: 0...Int64.max) }
                case .cachedTokens: cachedTokens = try nullOr { Int(try $0.integer(key, in: 0...Int64(Prompt.largestTokenCount))) }
                case .firstAnswerAt: firstAnswerAt = try nullOr { try $0.integer(key) }
                case .askedTokens: askedTokens = try nullOr { Int(try $0.integer(key, in: 0...Int64(Prompt.largestTokenCount))) }
                case .reasoningTokens: reasoningTokens = try nullOr { Int(try $0.integer(key, in: 0...Int64(Prompt.largestTokenCount))) }
                case .turn: turn = try nullOr { Int(try $0.integer(key, in: 1...Int64(SessionShape.mostTurns))) }
                case .unknown: try skipValue(key)
                }
                skipSpaces()
                if peek == UInt8(ascii: ",") {
                    index += 1
                    skipSpaces()
                    continue
                }
                try expect(UInt8(ascii: "}"), field: key, "',' or '}' after the value")
                break
            }
        }
        func required<T>(_ value: T?, _ name: String) throws -> T {
            guard let value else { throw Failure(field: name, expected: "the field (it is missing)") }
            return value
        }
        if let fault, let outcome, fault.outcome != outcome {
            throw Failure(field: "fault", expected: "a fault of outcome \(outcome.rawValue) ('\(fault.rawValue)' is one of \(fault.outcome.rawValue))")
        }
        let sample = Sample(
            level: try required(level, "level"), client: try required(client, "client"), seq: try required(seq, "seq"),
            promptIndex: try required(promptIndex, "prompt_index"), sentAt: try required(sentAt, "sent_ns"), firstTokenAt: firstTokenAt,
            finishedAt: try required(finishedAt, "finished_ns"), promptTokens: try required(promptTokens, "prompt_tokens"),
            completionTokens: try required(completionTokens, "completion_tokens"), tokensSource: try required(tokensSource, "tokens_source"),
            outcome: try required(outcome, "outcome"), phase: try required(phase, "phase"), sendLag: sendLag, interTokenGaps: gaps,
            errorName: errorName, fault: fault, retryAfter: retryAfter, cachedTokens: cachedTokens,
            firstAnswerAt: firstAnswerAt, reasoningTokens: reasoningTokens, askedTokens: askedTokens, turn: turn)
        return (step, sample)
    }

    /// The fields of a line; keys are told apart by their bytes, with no String made for them
    /// (a million lines have fifteen million keys).
    private enum Field: String, CaseIterable {
        case step, level, client, seq, outcome, phase
        case promptIndex = "prompt_index", sentAt = "sent_ns", firstTokenAt = "first_token_ns", finishedAt = "finished_ns"
        case promptTokens = "prompt_tokens", completionTokens = "completion_tokens", tokensSource = "tokens_source"
        case sendLag = "send_lag_ns", interTokenGaps = "itl_ns", errorName = "error_name", fault
        case retryAfter = "retry_after_ns", cachedTokens = "cached_tokens"
        case firstAnswerAt = "first_answer_ns", reasoningTokens = "reasoning_tokens", askedTokens = "asked_tokens", turn, unknown = ""

        var name: String { rawValue.isEmpty ? "?" : rawValue }

        /// Every known key's bytes, by length and first byte (unique among the keys).
        static let byLengthAndFirst: [Int: (field: Field, bytes: [UInt8])] = {
            var table: [Int: (Field, [UInt8])] = [:]
            for field in allCases where field != .unknown {
                let bytes = Array(field.rawValue.utf8)
                table[bytes.count << 8 | Int(bytes[0])] = (field, bytes)
            }
            return table
        }()
    }

    private mutating func key() throws -> Field {
        try expect(UInt8(ascii: "\""), field: nil, "a key in quotes")
        let start = index
        while let byte = peek, byte != UInt8(ascii: "\"") { index += 1 }
        let key = UnsafeBufferPointer(rebasing: bytes[start..<index])
        try expect(UInt8(ascii: "\""), field: nil, "a closing quote")
        guard !key.isEmpty, let candidate = Field.byLengthAndFirst[key.count << 8 | Int(key[0])], key.elementsEqual(candidate.bytes) else {
            return .unknown
        }
        return candidate.field
    }

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipSpaces() {
        while let byte = peek, byte == 32 || byte == 9 || byte == 13 { index += 1 }
    }

    private mutating func expect(_ byte: UInt8, field: String?, _ what: String) throws {
        guard peek == byte else { throw Failure(field: field, expected: what) }
        index += 1
    }

    private mutating func string(field: String?) throws -> String {
        try expect(UInt8(ascii: "\""), field: field, "a string")
        let start = index
        while let byte = peek, byte != UInt8(ascii: "\"") {
            if byte == UInt8(ascii: "\\") { throw Failure(field: field, expected: "a string without escapes") }
            index += 1
        }
        try expect(UInt8(ascii: "\""), field: field, "a closing quote")
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<(index - 1)]), as: UTF8.self)
    }

    /// The most steps, requests of a client or prompts a file may count: far past any sweep.
    private static let largestCount = Int64(Int32.max)

    /// An integer within `range`: a hand-edited file's 0 clients or negative time must be named
    /// here, with its line, not trip a check deep inside a statistic.
    private mutating func integer(_ field: String, in range: ClosedRange<Int64>) throws -> Int64 {
        let value = try integer(field)
        guard range.contains(value) else {
            throw Failure(field: field, expected: range.upperBound == Int64.max
                ? "a whole number from \(range.lowerBound) up" : "a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    private mutating func integer(_ field: String) throws -> Int64 {
        var negative = false
        if peek == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        var value: Int64 = 0
        var digits = 0
        while let byte = peek, byte >= 48, byte <= 57 {
            // Both steps can overflow: 922337203685477580 × 10 fits, adding 8 does not.
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, carried) = shifted.addingReportingOverflow(Int64(byte - 48))
            guard !overflow, !carried else { throw Failure(field: field, expected: "an integer that fits in 64 bits") }
            value = sum
            digits += 1
            index += 1
        }
        guard digits > 0 else { throw Failure(field: field, expected: "an integer") }
        return negative ? -value : value
    }

    private mutating func integers(_ field: String) throws -> [Int64] {
        try expect(UInt8(ascii: "["), field: field, "an array of integers")
        var values: [Int64] = []
        skipSpaces()
        if peek == UInt8(ascii: "]") {
            index += 1
            return values
        }
        while true {
            skipSpaces()
            values.append(try integer(field, in: 0...Int64.max))
            skipSpaces()
            if peek == UInt8(ascii: ",") {
                index += 1
                continue
            }
            try expect(UInt8(ascii: "]"), field: field, "',' or ']' in the array")
            return values
        }
    }

    private mutating func nullOr<T>(_ read: (inout SampleLineParser) throws -> T) throws -> T? {
        if peek == UInt8(ascii: "n") {
            for letter in "null".utf8 {
                guard peek == letter else { throw Failure(field: nil, expected: "null") }
                index += 1
            }
            return nil
        }
        return try read(&self)
    }

    private mutating func enumeration<T: RawRepresentable>(_ field: String) throws -> T where T.RawValue == String {
        let text = try string(field: field)
        guard let value = T(rawValue: text) else { throw Failure(field: field, expected: "a known value, not '\(text)'") }
        return value
    }

    /// Skips a value of a key Crest does not read (a newer Crest's field): a number, string, null,
    /// true or false, or an array of those.
    private mutating func skipValue(_ field: String) throws {
        var depth = 0
        var inString = false
        while let byte = peek {
            if inString {
                if byte == UInt8(ascii: "\"") { inString = false }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") {
                depth += 1
            } else if byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") {
                if depth == 0 { return }
                depth -= 1
            } else if byte == UInt8(ascii: ","), depth == 0 {
                return
            }
            index += 1
        }
        throw Failure(field: field, expected: "a complete value")
    }
}
