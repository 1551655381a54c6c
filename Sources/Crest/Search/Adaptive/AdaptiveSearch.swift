/// Crest's adaptive search (../research/algorithms.md §2.3): RAMP → FIT → BRACKET → KNEE → CONFIRM.
///
/// - Ramp: from one client, ×4 while every constrained latency statistic is under a quarter of its
///   limit, else ×2; once three levels are in, the fitted latency curves aim the next step just past
///   their predicted crossing of the budget.
/// - Bracket: between the highest feasible and lowest infeasible level, probe where the fit says the
///   budget is crossed, away from the bracket's ends (log-bisection when the fit is untrusted, the
///   bracket stalls, or errors rather than latency broke the budget), and stop early when the
///   throughput model says nothing inside the bracket gains more than half the plateau tolerance.
/// - Knee: recommend the smallest level whose throughput is within the tolerance of the best feasible.
/// - Confirm: the answer must be *certified* feasible by a sequential test, or, when a full
///   confirmation cannot certify it, *likely* feasible (every limit met at a one-sided 85% bound;
///   labelled so in the answer); its infeasible neighbour is confirmed when moving up would gain
///   throughput. A failed confirmation moves the bracket down, never below a level already accepted;
///   after three borderline ones in a row, by log-bisection. A certified or likely answer always
///   rests on a confirmation of its own.
/// Every level is a sequential test that stops as soon as its verdict is clear; the error ceiling
/// also weighs the failures of other levels (`FailureEvidence`).
///
/// The controller (`AdaptiveController`) has one file per phase; what it knows between steps is a
/// `SearchLedger`.
public struct AdaptiveSearch: SearchStrategy {
    public let name = "crest"
    public let plateauTolerance: Double
    /// An earlier sweep of the same target and dataset to start from (`PriorSweep`).
    public let prior: PriorSweep?

    public init(plateauTolerance: Double = LevelSelection.standardPlateauTolerance, prior: PriorSweep? = nil) {
        self.plateauTolerance = plateauTolerance
        self.prior = prior
    }

    public func search<M: Measurer>(_ session: SearchSession<M>) async throws -> SearchOutcome {
        try await AdaptiveController(session: session, tolerance: plateauTolerance, strategy: name, prior: prior).run()
    }
}
