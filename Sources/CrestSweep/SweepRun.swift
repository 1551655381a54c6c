import Crest
import CrestReport
import Foundation

/// One sweep from its first request to its report: creates the results folder, runs the search
/// with every level written as it ends, and writes run.json, the report, the plots and
/// recommendation.json once the search is over, however it ends. `crest sweep` and studies run
/// sweeps through it; the command line only chooses the measurer and says the outcome.
///
/// Cancelling the task that runs it (Ctrl-C) stops the search within a level; the levels measured
/// so far stay on disk and run.json says the run was interrupted.
public struct SweepRun<M: Measurer>: Sendable {
    public let plan: SweepPlan
    public let measurer: M

    public init(plan: SweepPlan, measurer: M) {
        self.plan = plan
        self.measurer = measurer
    }

    /// Runs the sweep, or continues the interrupted one the plan resumes. `onLevel` is told of each
    /// level as it ends (after it is written); `onReplay` of each stored level a resumed search is
    /// given back.
    /// - Throws: `ResultsError` when the folder is occupied or cannot be written, and what the
    ///   measurer throws (run.json then says the run failed).
    public func run(
        onLevel: @escaping (LevelRun, LevelResult, SearchStep) -> Void = { _, _, _ in },
        onReplay: @escaping (LevelRun, LevelResult, SearchStep) -> Void = { _, _, _ in }
    ) async throws -> SweepResult {
        var manifest: RunManifest
        let writer: ResultsWriter
        var replay: [(run: LevelRun, step: SearchStep)] = []
        if let resumed = plan.resuming {
            manifest = resumed.stored.manifest
            manifest.resume()
            writer = try ResultsWriter(resuming: plan.folder, manifest: manifest)
            replay = Array(zip(resumed.stored.runs, resumed.stored.steps))
        } else {
            manifest = plan.manifest(startedAt: Date())
            writer = try ResultsWriter(folder: plan.folder, manifest: manifest)
        }
        let session = SearchSession(
            measurer: measurer, budget: plan.budget, limits: plan.limits, confidence: plan.confidence,
            thinkSecondsPerRequest: plan.dataset.shape.sessions?.thinkSecondsPerRequest ?? 0, replaying: replay,
            onLevel: { run, result, step in
                try writer.record(run, result, step: step)
                onLevel(run, result, step)
            },
            onReplay: { run, result, step in
                writer.adopt(run, result)
                onReplay(run, result, step)
            },
            journal: { step in writer.journal(forStep: step) })
        let strategy = plan.strategy
        let outcome: SearchOutcome
        var unusable: UnusableResponses?
        do {
            outcome = try await strategy.search(session)
        } catch let stopped as UnusableResponses {
            unusable = stopped
            outcome = session.outcome(strategy: strategy.name, recommendation: nil, stopReason: .unusableResponses)
        } catch is CancellationError {
            manifest.end(status: .interrupted, at: Date())
            manifest.stopReason = .interrupted
            try? writer.write(manifest: manifest)
            // The partial report, read back from the folder as `crest report` reads it: it says
            // the results are partial and how to resume. A folder that cannot be read or written
            // now (a full disk) keeps what it has; `crest report` writes it later.
            if let stored = try? StoredSweep.read(folder: plan.folder) {
                let input = SweepReportInput(stored: stored, generatedAt: Date())
                _ = try? SweepReportFiles.write(SweepReport(input), input: input, runs: stored.runs, into: plan.folder)
            }
            return SweepResult(ending: .interrupted, runs: writer.runs)
        } catch {
            manifest.end(status: .failed, at: Date())
            try? writer.write(manifest: manifest)
            throw error
        }

        try writer.writeLevelsTable()
        manifest.end(status: unusable == nil ? .finished : .failed, at: Date())
        manifest.stopReason = outcome.stopReason
        manifest.recommendedConcurrency = outcome.recommendation?.concurrency
        // A live endpoint's usage counts the prompts: how far the estimate that binned them was.
        if !plan.target.isSimulator, plan.dataset.hasEstimatedTokenCounts {
            manifest.promptTokensCheck = PromptTokensCheck(dataset: plan.dataset, samples: writer.runs.flatMap(\.samples))
        }
        let input = SweepReportInput(
            manifest: manifest, experimentName: URL(fileURLWithPath: plan.folder).lastPathComponent, outcome: outcome, generatedAt: Date())
        try SweepReportFiles.write(SweepReport(input), input: input, runs: writer.runs, into: plan.folder)
        if unusable == nil, let recommendation = outcome.recommendation { try writer.write(recommendation: recommendation, budget: plan.budget) }
        // run.json says the sweep ended only once everything else is written: a kill before
        // leaves it "running", and --resume replays every step and writes the end again.
        try writer.write(manifest: manifest)
        if let unusable {
            return SweepResult(ending: .unusableResponses(unusable, report: input), runs: writer.runs)
        }
        return SweepResult(ending: .searched(outcome, report: input), runs: writer.runs)
    }
}

/// How a sweep run ended, with what its report was made from when it has one.
public enum SweepEnding: Sendable {
    /// The search ended by its own rules; its outcome's recommendation is the answer, if any (none
    /// when nothing could be recommended, such as when no request succeeded).
    case searched(SearchOutcome, report: SweepReportInput)
    /// Most responses at a level carried no answer: the endpoint does not speak the API.
    case unusableResponses(UnusableResponses, report: SweepReportInput)
    /// Cancelled (a signal) before the search ended: no report was written.
    case interrupted
}

/// What the run wrote and found.
public struct SweepResult: Sendable {
    public let ending: SweepEnding
    /// Every level's run, with its samples, in order.
    public let runs: [LevelRun]
}
