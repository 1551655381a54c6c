import Crest
import Foundation

extension SweepReportInput {
    /// The report input of a stored sweep, for rebuilding its report and plots: every measurement
    /// judged as the sweep judged it (its budget, its sequential tests), its steps, and its answer
    /// told in its own words when recommendation.json has them.
    public init(stored: StoredSweep, generatedAt: Date) throws {
        guard let budget = stored.budget else {
            throw ResultsError.unreadable(path: "\(stored.folder)/run.json", line: nil, reason: "field 'budget' is not a budget Crest can read")
        }
        guard let method = stored.manifest.settings.sweepMethod else {
            throw ResultsError.unreadable(path: "\(stored.folder)/run.json", line: nil, reason: "field 'settings' does not say how the levels were chosen")
        }
        let answer = stored.answer(budget, confidence: stored.manifest.settings.confidence)
        var totals = SweepTotals()
        for run in stored.runs { totals.add(run) }
        let stopReason = stored.manifest.stopReason ?? (stored.manifest.status == "finished" ? .converged : .interrupted)
        var recommendation = stopReason.endedEarly ? nil : answer.recommendation
        if let saved = Self.savedExplanation(folder: stored.folder), saved.concurrency == recommendation?.concurrency {
            recommendation = recommendation?.explained(saved.explanation)
        }
        let outcome = SearchOutcome(
            strategy: stored.manifest.settings.method, levels: answer.results, recommendation: recommendation, steps: stored.steps,
            stopReason: stopReason, totals: totals)
        self.init(
            manifest: stored.manifest, experimentName: URL(fileURLWithPath: stored.folder).lastPathComponent, outcome: outcome,
            budget: budget, method: method, isSimulated: stored.manifest.target.kind == "simulator", generatedAt: generatedAt)
    }

    private static func savedExplanation(folder: String) -> (concurrency: Int, explanation: String)? {
        guard let data = FileManager.default.contents(atPath: "\(folder)/recommendation.json"),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let concurrency = object["concurrency"] as? Int, let explanation = object["explanation"] as? String
        else { return nil }
        return (concurrency, explanation)
    }
}
