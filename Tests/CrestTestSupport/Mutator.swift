import Crest

/// Seeded mutation of valid inputs into hostile ones, for the parsers' fuzz tests: bit flips,
/// bytes dropped, repeated or inserted, pieces of other inputs spliced in, numbers replaced with
/// extreme ones, and cuts at any point. The same seed gives the same inputs, so a crash found is a
/// crash reproduced.
public struct Mutator {
    private var random: SeededRandom
    private let corpus: [[UInt8]]

    /// Numbers and bytes that break parsers that trust their input.
    private static let interesting: [[UInt8]] = [
        "-1", "0", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "18446744073709551616", "1e308", "1e400",
        "-0", "NaN", "null", "\"", "\\", "\\u0000", "\r\n", "\n\n", "\r\n\r\n", "\0", "{", "}", "[", "]", ":", ",", "data:", "ffffffff",
        "Content-Length: 99999999999999999999", "Transfer-Encoding: chunked", String(repeating: "a", count: 300),
    ].map { Array($0.utf8) }

    /// - Parameter corpus: valid inputs to start from (and splice from).
    public init(seed: UInt64, corpus: [[UInt8]]) {
        precondition(!corpus.isEmpty, "a mutator needs a valid input to start from")
        random = SeededRandom(seed: seed)
        self.corpus = corpus
    }

    /// The next hostile input: a corpus entry with one to eight mutations.
    public mutating func next() -> [UInt8] {
        var bytes = corpus[random.nextInt(below: corpus.count)]
        for _ in 0..<(1 + random.nextInt(below: 8)) { mutate(&bytes) }
        return bytes
    }

    /// Cut points for feeding `count` bytes in pieces, as a socket delivers them.
    public mutating func pieces(of count: Int) -> [Range<Int>] {
        var cuts = [0]
        while cuts.last! < count {
            let step = random.nextBool(probability: 0.3) ? 1 : 1 + random.nextInt(below: max(1, count / 3))
            cuts.append(min(count, cuts.last! + step))
        }
        return zip(cuts, cuts.dropFirst()).map { $0..<$1 }
    }

    private mutating func mutate(_ bytes: inout [UInt8]) {
        let at = bytes.isEmpty ? 0 : random.nextInt(below: bytes.count)
        switch random.nextInt(below: 8) {
        case 0 where !bytes.isEmpty:
            bytes[at] ^= UInt8(1) << UInt8(random.nextInt(below: 8))
        case 1 where !bytes.isEmpty:
            bytes.removeSubrange(at..<min(bytes.count, at + 1 + random.nextInt(below: 16)))
        case 2 where !bytes.isEmpty:
            let end = min(bytes.count, at + 1 + random.nextInt(below: 64))
            bytes.insert(contentsOf: Array(bytes[at..<end]), at: at)
        case 3:
            bytes.insert(contentsOf: Self.interesting[random.nextInt(below: Self.interesting.count)], at: at)
        case 4:
            let other = corpus[random.nextInt(below: corpus.count)]
            guard !other.isEmpty else { return }
            let start = random.nextInt(below: other.count)
            bytes.insert(contentsOf: other[start..<min(other.count, start + 1 + random.nextInt(below: 128))], at: at)
        case 5:
            // A number replaced by an extreme one.
            if let digit = bytes[at...].firstIndex(where: { $0 >= 48 && $0 <= 57 }) {
                let end = bytes[digit...].firstIndex { $0 < 48 || $0 > 57 } ?? bytes.count
                bytes.replaceSubrange(digit..<end, with: Self.interesting[random.nextInt(below: 6)])
            }
        case 6:
            bytes.removeSubrange(at...)
        default:
            if !bytes.isEmpty { bytes[at] = UInt8(truncatingIfNeeded: random.next()) }
        }
    }
}
