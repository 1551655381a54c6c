import Crest
import Foundation

/// Progress lines on stderr, one per level, so stdout carries only the result.
struct Progress {
    let levelCount: Int

    func started(target: String, dataset: Dataset, budget: Budget, folder: String) {
        let tokens = Int(dataset.meanPromptTokens.rounded())
        let estimated = dataset.hasEstimatedTokenCounts ? ", estimated" : ""
        StandardError.write("crest sweep: \(target), dataset \(dataset.name) (\(dataset.prompts.count) prompts, ~\(tokens) tokens\(estimated)), budget \(budget)\n")
        StandardError.write("writing \(folder)/\n")
    }

    func finished(_ result: LevelResult) {
        let s = result.summary
        let p95 = s.latency.map { NumberFormatting.duration(seconds: $0.p95.value) } ?? "n/a"
        let errors = s.errors == 0 ? "" : ", \(s.errors) errors"
        StandardError.write("  concurrency \(s.concurrency): \(s.requests) requests, \(NumberFormatting.significant(s.transactionsPerMinute.value, digits: 4)) trans/min, e2e p95 \(p95)\(errors): \(result.verdict.label)\n")
    }
}
