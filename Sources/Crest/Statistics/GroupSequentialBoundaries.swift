import Foundation
import Synchronization

/// Exact boundaries of a group-sequential binomial test: at looks of n₁ < n₂ < ... requests, the
/// count of events (requests over a limit) that shows their rate under θ₀ ("met": K ≤ cⱼ) or over
/// it ("broken": K ≥ dⱼ), with the type-I error spent look by look as the spending function allows.
///
/// Testing each look on its own at the error rate spent there (a union bound) is valid but wastes
/// α twice: a discrete binomial test spends less than its nominal rate, and paths that crossed at
/// an earlier look are counted again at the later ones. Dynamic programming over the count of the
/// paths that have not crossed yet spends exactly what is allowed, carrying what a look left
/// unspent to the next (Jennison & Turnbull, Group Sequential Methods, §19.2; the discrete form of
/// the Armitage–McPherson–Rowe recursion). Each side is computed ignoring the other, which only
/// overstates what it spends.
public enum GroupSequentialBoundaries {
    /// The largest count at each look that shows the rate under `rate` (−1 where none), such that
    /// under a rate of exactly `rate` the chance of crossing by look j is at most
    /// `cumulativeAlpha[j]`.
    public static func lower(sizes: [Int], rate: Double, cumulativeAlpha: [Double]) -> [Int] {
        boundaries(sizes: sizes, rate: rate, cumulativeAlpha: cumulativeAlpha, fromBelow: true)
    }

    /// The smallest count at each look that shows the rate over `rate` (Int.max where none), with
    /// the same spending.
    public static func upper(sizes: [Int], rate: Double, cumulativeAlpha: [Double]) -> [Int] {
        boundaries(sizes: sizes, rate: rate, cumulativeAlpha: cumulativeAlpha, fromBelow: false)
    }

    /// Both boundaries, remembered: every look of a level asks for them again, and a level's
    /// design effect takes only a few values (`SequentialJudge` rounds it), so the dynamic program
    /// runs a few times a level, not at every block. The memory is bounded.
    public static func both(sizes: [Int], rate: Double, cumulativeAlpha: [Double]) -> (lower: [Int], upper: [Int]) {
        let key = Key(sizes: sizes, rate: rate, cumulativeAlpha: cumulativeAlpha)
        if let known = remembered.withLock({ $0[key] }) { return known }
        let computed = (lower(sizes: sizes, rate: rate, cumulativeAlpha: cumulativeAlpha), upper(sizes: sizes, rate: rate, cumulativeAlpha: cumulativeAlpha))
        remembered.withLock { memory in
            if memory.count >= 4096 { memory.removeAll() }
            memory[key] = computed
        }
        return computed
    }

    private struct Key: Hashable {
        let sizes: [Int]
        let rate: Double
        let cumulativeAlpha: [Double]
    }

    private static let remembered = Mutex<[Key: (lower: [Int], upper: [Int])]>([:])

    private static func boundaries(sizes: [Int], rate: Double, cumulativeAlpha: [Double], fromBelow: Bool) -> [Int] {
        precondition(sizes.count == cumulativeAlpha.count && zip(sizes, sizes.dropFirst()).allSatisfy { $0 < $1 }, "looks must increase")
        var paths = Distribution(offset: 0, mass: [1])
        var spent = 0.0
        var previous = 0
        var result: [Int] = []
        for (size, allowed) in zip(sizes, cumulativeAlpha) {
            paths = paths.adding(binomial: size - previous, rate: rate)
            previous = size
            if fromBelow {
                var boundary = paths.offset - 1
                var crossing = 0.0
                for index in paths.mass.indices {
                    guard spent + crossing + paths.mass[index] <= allowed else { break }
                    crossing += paths.mass[index]
                    boundary = paths.offset + index
                }
                spent += crossing
                result.append(boundary < 0 ? -1 : boundary)
                paths.removeAtOrBelow(boundary)
            } else {
                var boundary = paths.offset + paths.mass.count
                var crossing = 0.0
                for index in paths.mass.indices.reversed() {
                    guard spent + crossing + paths.mass[index] <= allowed else { break }
                    crossing += paths.mass[index]
                    boundary = paths.offset + index
                }
                spent += crossing
                // Beyond every count a look can hold, no count shows it.
                result.append(boundary > size ? .max : boundary)
                paths.removeAtOrAbove(boundary)
            }
        }
        return result
    }
}

/// The probability of each count from `offset` on, for paths still running; counts outside carry
/// under 1e-16 of the mass (those of a binomial step beyond 12 standard deviations are dropped).
private struct Distribution {
    var offset: Int
    var mass: [Double]

    func adding(binomial trials: Int, rate: Double) -> Distribution {
        guard trials > 0 else { return self }
        let step = Self.binomial(trials: trials, rate: rate)
        var sum = [Double](repeating: 0, count: mass.count + step.mass.count - 1)
        for (i, a) in mass.enumerated() where a > 0 {
            for (j, b) in step.mass.enumerated() { sum[i + j] += a * b }
        }
        return Distribution(offset: offset + step.offset, mass: sum)
    }

    mutating func removeAtOrBelow(_ count: Int) {
        for index in mass.indices where offset + index <= count { mass[index] = 0 }
    }

    mutating func removeAtOrAbove(_ count: Int) {
        for index in mass.indices where offset + index >= count { mass[index] = 0 }
    }

    static func binomial(trials n: Int, rate p: Double) -> Distribution {
        if p <= 0 { return Distribution(offset: 0, mass: [1]) }
        if p >= 1 { return Distribution(offset: n, mass: [1]) }
        let mean = Double(n) * p
        let spread = 12 * (mean * (1 - p)).squareRoot() + 8
        let low = max(0, Int((mean - spread).rounded(.down)))
        let high = min(n, Int((mean + spread).rounded(.up)))
        let trials = Double(n)
        let logCoefficient: Double = lgamma(trials + 1)
        let mass = (low...high).map { count -> Double in
            let k = Double(count)
            let logTerms: Double = lgamma(k + 1) + lgamma(trials - k + 1)
            return exp(logCoefficient - logTerms + k * log(p) + (trials - k) * log1p(-p))
        }
        return Distribution(offset: low, mass: mass)
    }
}
