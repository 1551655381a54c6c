import Foundation

/// A seeded pseudo-random number generator (xoshiro256**, seeded through SplitMix64).
///
/// Swift's system generator cannot be seeded, and the standard library's `Double.random(in:using:)`
/// may change its recipe between toolchains. Crest draws every random value through this type and
/// its own conversions below, so a seed gives the same numbers on every run of the same binary.
///
/// Reference: Blackman & Vigna, "Scrambled linear pseudorandom number generators", 2021.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// Creates a generator whose whole sequence is fixed by `seed`.
    public init(seed: UInt64) {
        var mixer = SplitMix64(state: seed)
        s0 = mixer.next()
        s1 = mixer.next()
        s2 = mixer.next()
        s3 = mixer.next()
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, 45)
        return result
    }

    /// A uniform value in [0, 1) with 53 random bits.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform integer in `0..<bound`; `bound` must be positive.
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "nextInt(below:) needs a positive bound")
        // Lemire's multiply-high mapping: the bias is below 2^-64 per draw, far under any effect we measure.
        return Int(next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// A standard normal value (Box-Muller; one draw per call keeps the stream simple to reason about).
    public mutating func nextStandardNormal() -> Double {
        let u1 = 1.0 - nextUnit()  // (0, 1]: log stays finite
        let u2 = nextUnit()
        return (-2.0 * log(u1)).squareRoot() * cos(2.0 * Double.pi * u2)
    }

    /// A log-normal value exp(N(mu, sigma²)).
    public mutating func nextLogNormal(mu: Double, sigma: Double) -> Double {
        sigma == 0 ? exp(mu) : exp(mu + sigma * nextStandardNormal())
    }

    /// An exponential value with the given mean.
    public mutating func nextExponential(mean: Double) -> Double {
        -mean * log(1.0 - nextUnit())
    }

    /// True with probability `probability`.
    public mutating func nextBool(probability: Double) -> Bool {
        probability > 0 && nextUnit() < probability
    }

    private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }
}

/// SplitMix64: a tiny generator used to expand and mix seeds.
struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Derives an independent seed for a sub-stream (a level, a client, a bin) from a parent seed,
/// so that adding a stream never shifts the numbers another stream sees.
public func derivedSeed(_ seed: UInt64, _ streams: UInt64...) -> UInt64 {
    var mixer = SplitMix64(state: seed)
    var value = mixer.next()
    for stream in streams {
        mixer = SplitMix64(state: value ^ (stream &* 0xD1B5_4A32_D192_ED03))
        value = mixer.next()
    }
    return value
}
