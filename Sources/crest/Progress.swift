import Crest
import Foundation

/// Progress lines on stderr, one per level, so stdout carries only the result.
final class Progress: @unchecked Sendable {
    /// The failure outcomes whose first example has been shown: each is shown once a sweep.
    private var explained: Set<Outcome> = []

    func started(target: String, dataset: Dataset, budget: Budget, folder: String) {
        let tokens = Int(dataset.meanPromptTokens.rounded())
        let estimated = dataset.hasEstimatedTokenCounts ? ", estimated" : ""
        StandardError.write("crest sweep: \(target), dataset \(dataset.name) (\(dataset.prompts.count) prompts, ~\(tokens) tokens\(estimated)), budget \(budget)\n")
        StandardError.write("writing \(folder)/\n")
    }

    func finished(_ result: LevelResult, run: LevelRun, step: SearchStep) {
        let s = result.summary
        let errors = s.errors == 0 ? "" : ", \(s.errors) errors (\(s.outcomes.failureSummary))"
        StandardError.write("  \(step.step). concurrency \(s.concurrency) (\(step.phase)): \(s.requests) measured, \(NumberFormatting.significant(s.transactionsPerMinute.value, digits: 4)) trans/min, \(step.observedText)\(errors): \(step.verdict)\n")
        for example in run.failureExamples where !explained.contains(example.outcome) {
            explained.insert(example.outcome)
            StandardError.write("     first \(example.outcome.rawValue): \(example.summary)\n")
        }
        if let problem = s.client?.problem {
            StandardError.write("     warning: the client may have limited this level: \(problem); its latencies include the client's own delay\n")
        }
        // The first live level doubles as the load generator's calibration against this endpoint.
        if step.step == 1, let check = s.client {
            StandardError.write("     load generator (\(check.route)): \(NumberFormatting.significant(check.cpuMicrosecondsPerRequest, digits: 3)) µs of CPU per request, send lag p99 \(NumberFormatting.significant(check.sendLagP99Seconds * 1000, digits: 2)) ms, read delay p99 \(NumberFormatting.significant(check.readDelayP99Seconds * 1000, digits: 2)) ms\n")
        }
    }
}
