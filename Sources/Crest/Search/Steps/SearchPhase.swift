/// What a search step was for. The adaptive search's phases and a fixed list's are named here; a
/// strategy of its own (the benchmark's baselines) names its phases with `init(rawValue:)`.
public struct SearchPhase: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    /// An earlier sweep's answer and the level above it, measured again (`crest sweep --prior`).
    public static let prior = SearchPhase(rawValue: "prior")
    /// Concurrency 1: how long a request takes with nothing else running.
    public static let calibrate = SearchPhase(rawValue: "calibrate")
    /// Growing the load until a level breaks the budget.
    public static let ramp = SearchPhase(rawValue: "ramp")
    /// Narrowing the gap between the highest level that met the budget and the lowest that broke it.
    public static let bracket = SearchPhase(rawValue: "bracket")
    /// Looking for the smallest level whose throughput is within the plateau tolerance of the best.
    public static let knee = SearchPhase(rawValue: "knee")
    /// Certifying the answer and the level above it.
    public static let confirm = SearchPhase(rawValue: "confirm")
    /// The next level of a fixed list (`--levels`).
    public static let fixed = SearchPhase(rawValue: "fixed")

    /// Crest's own phases, in the order a search runs them.
    public static let inOrder: [SearchPhase] = [.prior, .calibrate, .ramp, .bracket, .knee, .confirm, .fixed]

    /// "Calibrate", "Ramp", ...; a fixed list's steps are "Levels".
    public var title: String {
        self == .fixed ? "Levels" : rawValue.prefix(1).uppercased() + rawValue.dropFirst()
    }

    public var description: String { rawValue }
}
