import Crest
import Foundation

extension SweepReportInput {
    /// The report input of a stored sweep, for rebuilding its report and plots: every measurement
    /// judged as the sweep judged it (its budget, its sequential tests), its steps, and its answer
    /// told in its own words when recommendation.json has them.
    public init(stored: StoredSweep, generatedAt: Date) {
        let manifest = stored.manifest
        let answer = stored.answer(manifest.budget, confidence: manifest.settings.confidence)
        var totals = SweepTotals()
        for run in stored.runs { totals.add(run) }
        let stopReason = manifest.stopReason ?? (manifest.status == .finished ? .converged : .interrupted)
        var recommendation = stopReason.endedEarly ? nil : answer.recommendation
        if let saved = stored.recommendation, saved.concurrency == recommendation?.concurrency {
            recommendation = recommendation?.explained(saved.explanation)
        }
        let outcome = SearchOutcome(
            strategy: manifest.settings.method.name.rawValue, levels: answer.results, recommendation: recommendation, steps: stored.steps,
            stopReason: stopReason, totals: totals)
        self.init(
            manifest: manifest, experimentName: URL(fileURLWithPath: stored.folder).lastPathComponent, outcome: outcome,
            generatedAt: generatedAt)
    }
}
