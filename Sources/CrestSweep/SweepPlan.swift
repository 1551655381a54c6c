import Crest

/// Everything a sweep run needs to know before its first request: what it measures, with what,
/// against which budget, how it chooses levels, and where its results go.
public struct SweepPlan: Sendable {
    public let target: Target
    public let dataset: Dataset
    public let budget: Budget
    public let method: SweepMethod
    public let seed: UInt64
    public let confidence: Double
    public let requestTimeoutSeconds: Double
    public let maxOutputTokens: Int?
    /// The results folder; it must be empty or not exist yet.
    public let folder: String

    public init(
        target: Target, dataset: Dataset, budget: Budget, method: SweepMethod, seed: UInt64, confidence: Double = 0.95,
        requestTimeoutSeconds: Double, maxOutputTokens: Int?, folder: String
    ) {
        self.target = target
        self.dataset = dataset
        self.budget = budget
        self.method = method
        self.seed = seed
        self.confidence = confidence
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.maxOutputTokens = maxOutputTokens
        self.folder = folder
    }

    /// The strategy that chooses the levels.
    var strategy: any SearchStrategy {
        switch method {
        case .fixed(let levels, let length): return FixedListSearch(levels: levels, length: length)
        case .adaptive(_, let tolerance): return AdaptiveSearch(plateauTolerance: tolerance)
        }
    }

    /// The limits of the search: a fixed list has none but its own levels.
    var limits: SearchLimits {
        if case .adaptive(let limits, _) = method { return limits }
        return SearchLimits(maxConcurrency: Int.max)
    }
}
