/// How sure a level's verdict is.
public enum Certainty: String, Sendable, Equatable, Codable {
    /// A statistical test decided it at the level's error rate.
    case certified
    /// Screening point estimates are well inside or outside the limits.
    case likely
    /// The level reached its cap undecided; the side is the point estimates'.
    case borderline
}

/// What the sequential test concluded about one constraint.
public struct ConstraintDecision: Sendable, Equatable, Codable {
    public let constraint: Constraint
    public let outcome: TestOutcome
    /// Requests known to be over the limit (failures included) among those judged.
    public let over: Int
    /// Requests judged for this constraint.
    public let judged: Int
}

/// The verdict the sequential test reached for a level, and on how much data.
public struct LevelDecision: Sendable, Equatable, Codable {
    public let isFeasible: Bool
    public let certainty: Certainty
    /// The look (1-based) that decided.
    public let look: Int
    /// The measured requests that look used.
    public let requests: Int
    public let constraints: [ConstraintDecision]

    /// "certified feasible", "likely infeasible", "borderline feasible".
    public var label: String { "\(certainty.rawValue) \(isFeasible ? "feasible" : "infeasible")" }

    /// The same decision turned to certainly infeasible, by a fact outside the test: the level's
    /// clients were held back, so it was not measured at its concurrency.
    var overruled: LevelDecision {
        LevelDecision(isFeasible: false, certainty: .certified, look: look, requests: requests, constraints: constraints)
    }

    enum CodingKeys: String, CodingKey {
        case certainty, look, requests, constraints
        case isFeasible = "feasible"
    }
}
