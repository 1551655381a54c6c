/// Where a measurer hands a level's finished requests while the level runs, so they reach disk
/// within about a second of finishing rather than at the level's end: a kill or a power cut then
/// loses at most the last second of requests, which a paid endpoint has already billed.
///
/// What a measurer hands over is always the next part of the level's `LevelRun.samples`, in order,
/// each sample once: the writer that keeps the journal writes only the rest when the level ends.
public protocol SampleJournal: Sendable {
    func append(_ samples: [Sample])
}
