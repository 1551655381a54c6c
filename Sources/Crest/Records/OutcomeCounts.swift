/// How many requests ended each way.
public struct OutcomeCounts: Sendable, Equatable, Codable {
    public private(set) var ok = 0
    public private(set) var http3xx = 0
    public private(set) var http4xx = 0
    public private(set) var http429 = 0
    public private(set) var http5xx = 0
    public private(set) var timeout = 0
    public private(set) var transport = 0
    public private(set) var malformed = 0
    public private(set) var emptyCompletion = 0

    public init() {}

    public init(_ samples: some Sequence<Sample>) {
        for sample in samples { add(sample.outcome) }
    }

    public mutating func add(_ outcome: Outcome) {
        switch outcome {
        case .ok: ok += 1
        case .http3xx: http3xx += 1
        case .http4xx: http4xx += 1
        case .http429: http429 += 1
        case .http5xx: http5xx += 1
        case .timeout: timeout += 1
        case .transport: transport += 1
        case .malformed: malformed += 1
        case .emptyCompletion: emptyCompletion += 1
        }
    }

    public subscript(outcome: Outcome) -> Int {
        switch outcome {
        case .ok: return ok
        case .http3xx: return http3xx
        case .http4xx: return http4xx
        case .http429: return http429
        case .http5xx: return http5xx
        case .timeout: return timeout
        case .transport: return transport
        case .malformed: return malformed
        case .emptyCompletion: return emptyCompletion
        }
    }

    /// Every request that did not end `ok`.
    public var failures: Int { http3xx + http4xx + http429 + http5xx + timeout + transport + malformed + emptyCompletion }
}
