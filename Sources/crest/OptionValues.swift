import Crest

/// Typed option values. Every error names the option and the value given, and says what was
/// expected: "--levels '0,2': '0' is not a whole number above zero; expected a list such as 1,2,4,8".
extension ArgumentList {
    /// A whole number above zero.
    /// A whole number from 1 to `largest`.
    mutating func positiveInteger(_ name: String, atMost largest: Int) throws -> Int? {
        try value(name).map { text in
            guard let value = Int(text), (1...largest).contains(value) else {
                throw UsageError("\(name) '\(text)': expected a whole number from 1 to \(largest)")
            }
            return value
        }
    }

    /// A seed: any whole number a UInt64 holds.
    mutating func seed(_ name: String = "--seed") throws -> UInt64? {
        try value(name).map { text in
            guard let seed = UInt64(text) else { throw UsageError("\(name) '\(text)': expected a whole number from 0 to \(UInt64.max)") }
            return seed
        }
    }

    /// A duration above zero and at most 720h: 500ms, 60s, 2m, 1h.
    mutating func duration(_ name: String) throws -> Double? {
        try value(name).map { text in
            guard let seconds = DurationParsing.seconds(text) else {
                throw UsageError("\(name) '\(text)': expected a duration above zero and at most 720h, such as 500ms, 60s, 2m or 1h")
            }
            return seconds
        }
    }

    /// A decimal number above zero and at most `largest`.
    mutating func positiveNumber(_ name: String, atMost largest: Double) throws -> Double? {
        try value(name).map { text in
            guard let value = DecimalNumber.parse(text), value.isFinite, value > 0, value <= largest else {
                throw UsageError("\(name) '\(text)': expected a number above zero and at most \(NumberFormatting.significant(largest, digits: 6))")
            }
            return value
        }
    }

    /// The highest price an option takes: above any instance hour or 1,000 tokens sold today.
    static let highestPrice = 10_000.0

    /// A price in USD, zero or more (at most `highestPrice`).
    mutating func price(_ name: String) throws -> Double? {
        try value(name).map { text in
            guard let value = DecimalNumber.parse(text), value.isFinite, value >= 0, value <= Self.highestPrice else {
                throw UsageError("\(name) '\(text)': expected a price in USD from 0 to \(Int(Self.highestPrice)), such as 4.10")
            }
            return value
        }
    }

    /// A share such as 1%, 0.5% or 0.01.
    mutating func errorRate(_ name: String) throws -> Double? {
        try value(name).map { text in
            do {
                return try Budget.parseErrorRate(text)
            } catch let error as BudgetError {
                throw UsageError("\(name) '\(text)': \(error.detail)")
            }
        }
    }

    /// Every latency constraint given with a repeatable option.
    mutating func latencyConstraints(_ name: String) throws -> [LatencyConstraint] {
        try values(name).map { text in
            do {
                return try LatencyConstraint(parsing: text)
            } catch let error as BudgetError {
                throw UsageError("\(name) '\(text)': \(error.detail)")
            }
        }
    }

    /// A list of levels, "1,2,4,8".
    mutating func levels(_ name: String) throws -> [Level]? {
        try value(name).map { text in
            do {
                return try Level.parseList(text)
            } catch let error as LevelListError {
                throw UsageError("\(name) '\(text)': \(error.detail)")
            }
        }
    }

    /// A TCP port, 0 (any free one) to 65535.
    mutating func port(_ name: String) throws -> Int? {
        try value(name).map { text in
            guard let port = Int(text), (0...65535).contains(port) else { throw UsageError("\(name) '\(text)': expected a port number from 0 to 65535") }
            return port
        }
    }
}
