extension Array where Element == LevelResult {
    /// One result per concurrency, the one with the most measured requests (a confirmation over the
    /// screening of the same level), sorted by concurrency.
    public var mostInformativePerLevel: [LevelResult] {
        var best: [Int: LevelResult] = [:]
        for result in self where best[result.concurrency].map({ $0.summary.requests <= result.summary.requests }) ?? true {
            best[result.concurrency] = result
        }
        return best.values.sorted { $0.concurrency < $1.concurrency }
    }

    /// How many times each concurrency was measured.
    public var runsPerLevel: [Int: Int] {
        reduce(into: [:]) { counts, result in counts[result.concurrency, default: 0] += 1 }
    }
}
