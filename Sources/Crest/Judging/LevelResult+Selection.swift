extension Array where Element == LevelResult {
    /// One result per concurrency, sorted by concurrency: the last measured (in measuring order, as
    /// the array is), which is how the search judged the level: a confirmation comes after the
    /// screening of its level, and a second confirmation pools the first. (The one with the most
    /// requests is not: a confirmation stopped for futility can have fewer than its screening.)
    public var mostInformativePerLevel: [LevelResult] {
        var last: [Int: LevelResult] = [:]
        for result in self { last[result.concurrency] = result }
        return last.values.sorted { $0.concurrency < $1.concurrency }
    }

    /// How many times each concurrency was measured.
    public var runsPerLevel: [Int: Int] {
        reduce(into: [:]) { counts, result in counts[result.concurrency, default: 0] += 1 }
    }
}
