/// How a sweep chose and measured its levels.
public enum SweepMethod: Sendable, Equatable {
    /// A fixed list, each level measured for a fixed count or time (`--levels`).
    case fixed(levels: [Level], length: LevelLength)
    /// Crest's adaptive search, within these limits.
    case adaptive(limits: SearchLimits, plateauTolerance: Double)

    /// "adaptive" or "fixed", for run.json.
    public var name: String {
        switch self {
        case .fixed: return "fixed"
        case .adaptive: return "adaptive"
        }
    }
}
