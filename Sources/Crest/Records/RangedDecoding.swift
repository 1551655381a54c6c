/// Numbers read back from a results folder must lie where Crest writes them: a hand-edited file's
/// level of 0, confidence of 5 or negative tolerance is named as the field it is, with what was
/// expected, instead of reaching a precondition or a conversion that traps.
extension KeyedDecodingContainer {
    func decode<Number: Decodable & Comparable>(_ type: Number.Type, forKey key: Key, in range: ClosedRange<Number>) throws -> Number {
        let value = try decode(type, forKey: key)
        guard range.contains(value) else { throw outOfRange(key, range) }
        return value
    }

    func decodeIfPresent<Number: Decodable & Comparable>(_ type: Number.Type, forKey key: Key, in range: ClosedRange<Number>) throws -> Number? {
        guard let value = try decodeIfPresent(type, forKey: key) else { return nil }
        guard range.contains(value) else { throw outOfRange(key, range) }
        return value
    }

    /// A level, as a concurrency from 1 to `Level.maximumConcurrency`.
    func decodeLevel(forKey key: Key) throws -> Level {
        Level(concurrency: try decode(Int.self, forKey: key, in: 1...Level.maximumConcurrency))
    }

    private func outOfRange<Number>(_ key: Key, _ range: ClosedRange<Number>) -> DecodingError {
        .dataCorruptedError(forKey: key, in: self, debugDescription: "expected a number from \(range.lowerBound) to \(range.upperBound)")
    }
}
