/// Sentences more than one report says the same way.
enum ReportProse {
    /// The reference report's words before its per-instance results table (a sweep's and a study's).
    static let perInstanceResults = "The following table provides the best combinations for running inference for different sizes prompts on different instance types."
}
