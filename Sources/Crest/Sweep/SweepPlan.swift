/// What a fixed-list sweep does: which levels, how long each, against which budget.
public struct SweepPlan: Sendable {
    public let levels: [Level]
    public let length: LevelLength
    public let budget: Budget
    public let selection: LevelSelection
    /// The confidence of every interval Crest reports, 0.95 for 95%.
    public let confidence: Double

    public init(levels: [Level], length: LevelLength, budget: Budget, selection: LevelSelection = LevelSelection(), confidence: Double = 0.95) {
        precondition(!levels.isEmpty, "a sweep needs at least one level")
        self.levels = levels
        self.length = length
        self.budget = budget
        self.selection = selection
        self.confidence = confidence
    }

    /// The levels Crest tries by default: powers of two from 1 to 128.
    public static let standardLevels = [1, 2, 4, 8, 16, 32, 64, 128].map(Level.init(concurrency:))
}
