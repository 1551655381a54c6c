import Crest
import Foundation

/// The faults `crest serve` injects on its OpenAI routes (`/v1/chat/completions`,
/// `/v1/completions`), each into a share of the requests: every fault a load generator must name
/// for what it is, served over real HTTP. One uniform draw per request (from its own seeded
/// stream) picks at most one fault, so the shares add up to at most 1 and a run is repeatable.
public struct InjectedFaults: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable, Comparable {
        /// Answer 400, 429 (with the Retry-After) or 500 at once.
        case http400 = "http_400"
        case http429 = "http_429"
        case http500 = "http_500"
        /// A status line that is not HTTP, then close.
        case malformedHTTP = "malformed_http"
        /// Hold the request `firstTokenDelaySeconds` before the engine sees it (a stream's head goes out at once).
        case slowFirstToken = "slow_first_token"
        /// After `afterTokens` tokens: reset the connection (RST).
        case reset
        /// After `afterTokens` tokens: close the connection (FIN) mid-response.
        case close
        /// After `afterTokens` tokens: send nothing more and keep the connection open.
        case stall
        /// After `afterTokens` tokens: send token events every 10 ms, without end.
        case endless
        /// After `afterTokens` tokens: one event whose data is not JSON (a whole answer: a body that is not JSON).
        case malformedJSON = "malformed_json"
        /// After `afterTokens` tokens: one line that is no event-stream field.
        case malformedSSE = "malformed_sse"
        /// End the stream inside its last event.
        case truncatedSSE = "truncated_sse"
        /// After `afterTokens` tokens: one `data:` line of `hugeEventBytes`.
        case hugeEvent = "huge_event"
        /// After `afterTokens` tokens: an error event, then the end (a whole answer: a 200 with an error object).
        case errorEvent = "error_event"
        /// Stream no text, and a usage block of 0 completion tokens.
        case emptyCompletion = "empty_completion"
        /// Leave out the usage block.
        case noUsage = "no_usage"

        /// Faults that strike in the middle of a stream, once `afterTokens` tokens are out (or at
        /// the answer's end, if it is shorter).
        var strikesMidStream: Bool {
            [.reset, .close, .stall, .endless, .malformedJSON, .malformedSSE, .hugeEvent, .errorEvent].contains(self)
        }

        public static func < (lhs: Kind, rhs: Kind) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// Each fault's share of requests, 0 to 1; together at most 1.
    public var shares: [Kind: Double]
    /// Tokens streamed before a mid-stream fault strikes.
    public var afterTokens: Int
    /// How long `slowFirstToken` holds a request.
    public var firstTokenDelaySeconds: Double
    /// The size of `hugeEvent`'s data line.
    public var hugeEventBytes: Int

    public init(shares: [Kind: Double] = [:], afterTokens: Int = 2, firstTokenDelaySeconds: Double = 30, hugeEventBytes: Int = 4 << 20) {
        self.shares = shares
        self.afterTokens = afterTokens
        self.firstTokenDelaySeconds = firstTokenDelaySeconds
        self.hugeEventBytes = hugeEventBytes
    }

    public static let none = InjectedFaults()

    public var isEmpty: Bool { shares.values.allSatisfy { $0 == 0 } }

    /// The fault of the request whose draw is `uniform` (in [0, 1)), if any.
    func fault(forDraw uniform: Double) -> Kind? {
        var cumulative = 0.0
        for kind in Kind.allCases {
            cumulative += shares[kind, default: 0]
            if uniform < cumulative { return kind }
        }
        return nil
    }

    /// Checks the shares: each from 0 to 1, together at most 1.
    /// - Throws: `InjectedFaultsError` naming the fault.
    public func validated(in source: String) throws -> InjectedFaults {
        for (kind, share) in shares where !(0...1).contains(share) {
            throw InjectedFaultsError(source: source, field: "faults.\(kind.rawValue)", expected: "a share from 0 to 1 (or 0% to 100%), not \(share)")
        }
        let total = shares.values.reduce(0, +)
        guard total <= 1 + 1e-9 else {
            throw InjectedFaultsError(source: source, field: "faults", expected: "shares that add up to at most 1 (100%); these add up to \(NumberFormatting.significant(total))")
        }
        return self
    }

    /// Reads a plan file: `{"faults": {"reset": 0.01, "stall": "0.5%"}, "after_tokens": 2,
    /// "first_token_delay": "30s", "huge_event_bytes": 4194304}`; every field but `faults` optional.
    /// - Throws: `InjectedFaultsError` naming the file and the field.
    public static func read(path: String) throws -> InjectedFaults {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InjectedFaultsError(source: path, field: nil, expected: "a readable file")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw InjectedFaultsError(source: path, field: nil, expected: "a JSON object")
        }
        func fail(_ field: String?, _ expected: String) -> InjectedFaultsError { InjectedFaultsError(source: path, field: field, expected: expected) }
        let known = ["faults", "after_tokens", "first_token_delay", "huge_event_bytes"]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw fail(unknown, "one of the fields \(known.joined(separator: ", ")); '\(unknown)' is none of them")
        }
        guard let faults = object["faults"] as? [String: Any], !faults.isEmpty else {
            throw fail("faults", "an object of fault names and shares, e.g. {\"reset\": 0.01}; names: \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var plan = InjectedFaults()
        for (name, value) in faults {
            guard let kind = Kind(rawValue: name) else {
                throw fail("faults.\(name)", "a fault name: \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let share = Self.share(value) else { throw fail("faults.\(name)", "a share from 0 to 1, or a percentage such as \"0.5%\"") }
            plan.shares[kind] = share
        }
        if let value = object["after_tokens"] {
            guard let number = Self.number(value), let tokens = Int(exactly: number.doubleValue), (0...100_000).contains(tokens) else {
                throw fail("after_tokens", "a whole number of tokens from 0 to 100000")
            }
            plan.afterTokens = tokens
        }
        if let value = object["first_token_delay"] {
            guard let text = value as? String, let seconds = DurationParsing.seconds(text) else {
                throw fail("first_token_delay", "a duration such as \"30s\" or \"2m\"")
            }
            plan.firstTokenDelaySeconds = seconds
        }
        if let value = object["huge_event_bytes"] {
            guard let number = Self.number(value), let bytes = Int(exactly: number.doubleValue), (1...(256 << 20)).contains(bytes) else {
                throw fail("huge_event_bytes", "a whole number of bytes from 1 to 268435456 (256 MiB)")
            }
            plan.hugeEventBytes = bytes
        }
        return try plan.validated(in: path)
    }

    /// A JSON number; not `true` or `false`, which Foundation also bridges to NSNumber (a Swift
    /// `Bool` is told apart by its type, as `is Bool` holds for the number 1 too).
    private static func number(_ value: Any) -> NSNumber? {
        guard !(type(of: value) is Bool.Type) else { return nil }
        return value as? NSNumber
    }

    /// A share as a number from 0 to 1 or a percentage string ("0.5%").
    public static func share(_ value: Any) -> Double? {
        if let number = number(value) { return number.doubleValue.isFinite ? number.doubleValue : nil }
        guard let text = value as? String else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix("%") { return Double(trimmed.dropLast()).map { $0 / 100 } }
        return Double(trimmed)
    }
}

/// A fault plan that cannot be used: where, which field, and what was expected.
public struct InjectedFaultsError: Error, Equatable, CustomStringConvertible {
    public let source: String
    public let field: String?
    public let expected: String

    public var description: String {
        "\(source): " + (field.map { "field '\($0)': " } ?? "") + "expected \(expected)"
    }
}
