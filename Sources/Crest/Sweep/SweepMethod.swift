/// How a sweep chose and measured its levels.
public enum SweepMethod: Sendable, Equatable {
    /// A fixed list, each level measured for a fixed count or time (`--levels`).
    case fixed(levels: [Level], length: LevelLength)
    /// Crest's adaptive search, within these limits.
    case adaptive(limits: SearchLimits, plateauTolerance: Double)

    /// The highest level the sweep may measure.
    public var highestConcurrency: Int {
        switch self {
        case .fixed(let levels, _): return levels.map(\.concurrency).max() ?? 0
        case .adaptive(let limits, _): return limits.maxConcurrency
        }
    }

    /// Which of the two methods, as run.json names it.
    public enum Name: String, Sendable, Codable {
        case adaptive, fixed
    }

    public var name: Name {
        switch self {
        case .fixed: return .fixed
        case .adaptive: return .adaptive
        }
    }
}
