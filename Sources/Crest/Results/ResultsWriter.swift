import Foundation

/// Writes a sweep's results folder as the sweep goes: samples are appended and flushed as a live
/// level's requests finish (about once a second, through `journal(forStep:)`) and at each level's
/// end, each search step is appended to search.jsonl, levels.csv is rewritten whole (atomically)
/// after each level, and run.json and recommendation.json are written at the start and the end.
/// Whatever a finished level wrote survives a crash.
///
/// Not thread-safe but for the journal: one task at a time writes (a sweep runs its search in a
/// task of its own, so Ctrl-C can cancel it, and writes the end of the run after that task has
/// finished); samples.jsonl is written on a queue of its own, which the journal's appends from the
/// load generator's thread go through too.
public final class ResultsWriter: @unchecked Sendable {
    public let folder: String
    private let samples: FileHandle
    /// Every write of samples.jsonl, and the journal's state, are on this queue.
    private let sampleQueue = DispatchQueue(label: "crest.results.samples")
    /// How many samples of which step the journal has written.
    private var journaled = (step: 0, count: 0)
    /// The first write of the journal that failed (a full disk): said at the level's end.
    private var journalFailure: Error?
    private let steps: FileHandle
    /// Every level's result so far, in order.
    public private(set) var results: [LevelResult] = []
    /// Every level's run so far, with its samples, in order (for the plots of single requests).
    public private(set) var runs: [LevelRun] = []
    private let pricing: Pricing?

    /// Creates `folder` (and its parents) and starts the run's files.
    /// - Throws: `ResultsError.occupied` if the folder already holds files.
    public init(folder: String, manifest: RunManifest) throws {
        let files = FileManager.default
        try Self.refuseOccupied(folder)
        do {
            try files.createDirectory(atPath: folder, withIntermediateDirectories: true)
            samples = try Self.newFile("\(folder)/samples.jsonl")
            steps = try Self.newFile("\(folder)/search.jsonl")
        } catch let error as ResultsError {
            throw error
        } catch {
            throw ResultsError.unwritable(path: folder, reason: ResultsError.reason(of: error))
        }
        self.folder = folder
        pricing = manifest.target.pricing
        try write(manifest: manifest)
    }

    /// Continues writing an interrupted sweep's folder (`InterruptedSweep.prepare` has made its
    /// files whole): its files are appended to, run.json says it runs again, and `adopt` gives it
    /// the stored levels the resumed search replays.
    public init(resuming folder: String, manifest: RunManifest) throws {
        do {
            samples = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(folder)/samples.jsonl"))
            steps = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(folder)/search.jsonl"))
            try samples.seekToEnd()
            try steps.seekToEnd()
        } catch {
            throw ResultsError.unwritable(path: folder, reason: ResultsError.reason(of: error))
        }
        self.folder = folder
        pricing = manifest.target.pricing
        try write(manifest: manifest)
    }

    /// Takes a replayed level, already on disk, into the results the next writes show.
    public func adopt(_ run: LevelRun, _ result: LevelResult) {
        results.append(result)
        runs.append(run)
    }

    /// - Throws: `ResultsError.occupied` if `folder` exists and holds files: a run never writes
    ///   over an earlier one.
    public static func refuseOccupied(_ folder: String) throws {
        if let existing = try? FileManager.default.contentsOfDirectory(atPath: folder), !existing.isEmpty {
            throw ResultsError.occupied(path: folder)
        }
    }

    deinit {
        try? samples.close()
        try? steps.close()
    }

    /// Appends a finished level's samples and its search step, and rewrites levels.csv with one row
    /// per concurrency: the level's most informative run.
    public func record(_ run: LevelRun, _ result: LevelResult, step: SearchStep) throws {
        try sampleQueue.sync {
            if let journalFailure { throw journalFailure }
            let written = journaled.step == step.step ? journaled.count : 0
            var text = ""
            text.reserveCapacity((run.samples.count - written) * 240)
            for sample in run.samples.dropFirst(written) { text += sample.jsonLine(step: step.step) }
            try append(text, to: samples, name: "samples.jsonl")
        }
        try append(Self.jsonLine(step, run: run), to: steps, name: "search.jsonl")
        results.append(result)
        runs.append(run)
        try writeLevelsTable()
    }

    /// The journal of step `step`'s samples while it is measured: they are appended to
    /// samples.jsonl and flushed as they come, and `record` writes only the rest.
    public func journal(forStep step: Int) -> any SampleJournal {
        StepJournal(writer: self, step: step)
    }

    private struct StepJournal: SampleJournal {
        let writer: ResultsWriter
        let step: Int

        func append(_ samples: [Sample]) { writer.journal(samples, step: step) }
    }

    /// Appends `samples` of `step` on the samples queue, without making the caller (the load
    /// generator's thread) wait for the disk.
    private func journal(_ samples: [Sample], step: Int) {
        guard !samples.isEmpty else { return }
        sampleQueue.async { [self] in
            guard journalFailure == nil else { return }
            if journaled.step != step { journaled = (step, 0) }
            var text = ""
            for sample in samples { text += sample.jsonLine(step: step) }
            do {
                try append(text, to: self.samples, name: "samples.jsonl")
                journaled.count += samples.count
            } catch {
                journalFailure = error
            }
        }
    }

    /// Rewrites levels.csv from every level so far: after each level, and once more when a search
    /// ends (a resumed search may measure nothing new after the levels it replayed, and the kill
    /// may have come between a level's search line and its row).
    /// A session sweep's turns.csv goes with it.
    public func writeLevelsTable() throws {
        try write(LevelsTable.csv(results.mostInformativePerLevel, pricing: pricing, runs: results.runsPerLevel), to: "levels.csv")
        if let turns = TurnsTable.csv(results.mostInformativePerLevel) { try write(turns, to: "turns.csv") }
    }

    /// Writes recommendation.json.
    public func write(recommendation: Recommendation, budget: Budget) throws {
        try write(json: RecommendationRecord(recommendation, budget: budget, pricing: pricing), to: "recommendation.json")
    }

    /// Writes run.json.
    public func write(manifest: RunManifest) throws {
        try write(json: manifest, to: "run.json")
    }

    /// Writes a file of the folder atomically.
    public func write(_ text: String, to name: String) throws {
        try ReportFiles(folder: folder).write(text, to: name)
    }

    private func append(_ text: String, to handle: FileHandle, name: String) throws {
        do {
            try handle.write(contentsOf: Data(text.utf8))
            try handle.synchronize()
        } catch {
            throw ResultsError.unwritable(path: "\(folder)/\(name)", reason: ResultsError.reason(of: error))
        }
    }

    private static func newFile(_ path: String) throws -> FileHandle {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw ResultsError.unwritable(path: path, reason: "the file could not be created")
        }
        return try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    }

    /// A search step as one line of search.jsonl, keys sorted.
    static func jsonLine(_ step: SearchStep, run: LevelRun?) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: (try? encoder.encode(SearchLine(step: step, run: run))) ?? Data(), as: UTF8.self) + "\n"
    }

    private func write(json value: some Encodable, to name: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        try write(String(decoding: data, as: UTF8.self) + "\n", to: name)
    }
}
