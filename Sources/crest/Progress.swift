import Crest
import Foundation
import Glibc

/// Progress on stderr, so stdout carries only the result: a line per finished level and, while a
/// live level runs, where it stands. On a terminal that is one line updated in place; otherwise a
/// plain line at most every 10 s, so a log shows a long level is alive without filling up.
final class Progress: @unchecked Sendable {
    /// The failure outcomes whose first example has been shown: each is shown once a sweep.
    private var explained: Set<Outcome> = []
    private let lock = NSLock()
    private let inPlace: Bool
    /// Levels finished so far: updates of a level already finished are dropped.
    private var levelsFinished = 0
    /// True while an in-place line is on the terminal.
    private var lineShown = false
    private var lastPlainLine: (level: Int, elapsed: Double)?
    private static let plainInterval = 10.0

    init(inPlace: Bool = isatty(STDERR_FILENO) == 1) {
        self.inPlace = inPlace
    }

    /// Where level number `level` (1 for the first) stands while it runs; called from the load
    /// generator's thread about once a second.
    func running(level: Int, _ state: LevelProgress) {
        lock.lock()
        defer { lock.unlock() }
        guard level > levelsFinished else { return }
        let line = Self.describe(state)
        if inPlace {
            StandardError.write("\r\u{1B}[K" + line)
            lineShown = true
        } else {
            let last = lastPlainLine.flatMap { $0.level == level ? $0.elapsed : nil } ?? 0
            guard state.elapsedSeconds - last >= Self.plainInterval else { return }
            lastPlainLine = (level, state.elapsedSeconds)
            StandardError.write(line + "\n")
        }
    }

    /// Clears a line left in place, before the sweep's last words.
    func settle() {
        lock.lock()
        defer { lock.unlock() }
        if lineShown { StandardError.write("\r\u{1B}[K") }
        lineShown = false
        levelsFinished = .max
    }

    /// "  … concurrency 8: 123/256 measured, 65 s, e2e.p95 7.523s against 12s".
    static func describe(_ state: LevelProgress) -> String {
        let elapsed = NumberFormatting.duration(seconds: state.elapsedSeconds.rounded())
        guard state.isMeasuring else { return "  … concurrency \(state.concurrency): warming up, \(elapsed)" }
        var line = "  … concurrency \(state.concurrency): \(state.finished)\(state.needed.map { "/\($0)" } ?? "") measured, \(elapsed)"
        if let estimate = state.estimate {
            let constraint = estimate.constraint
            line += ", \(constraint.statisticName) \(constraint.text(estimate.value)) against \(constraint.text(constraint.limit))"
        }
        return line
    }

    func started(target: String, dataset: Dataset, budget: Budget, folder: String) {
        let tokens = Int(dataset.meanPromptTokens.rounded())
        let estimated = [.estimate: ", estimated", .tokenizer: ", counted by the endpoint's tokenizer"][dataset.tokenCountSource] ?? ""
        // Where the output caps come from the dataset's own answers, say so: they set the load as
        // much as the prompts do.
        let replies = dataset.capsFromReplies
        let answers = replies.isEmpty ? "" : "; \(replies.count) ask for answers as long as the dataset's (median \(replies[replies.count / 2]) tokens)"
        let notes = dataset.loadNotes.map { "; " + $0 }.joined()
        StandardError.write("crest sweep: \(target), dataset \(dataset.name) (\(dataset.prompts.count) prompts, ~\(tokens) tokens\(estimated)\(answers)\(notes)), budget \(budget)\n")
        StandardError.write("writing \(folder)/\n")
    }

    func finished(_ result: LevelResult, run: LevelRun, step: SearchStep) {
        lock.lock()
        defer { lock.unlock() }
        levelsFinished += 1
        if lineShown {
            StandardError.write("\r\u{1B}[K")
            lineShown = false
        }
        let s = result.summary
        let names = s.errorNamesSummary.isEmpty ? "" : ": \(s.errorNamesSummary)"
        let errors = s.errors == 0 ? "" : ", \(s.errors) errors (\(s.failureSummary)\(names))"
        // Requests MSER-5 cut off as the level's start-up transient are no longer measured: say so,
        // or a level of 24 requests asked for reads as 14 with no reason given.
        let trimmed = s.transientRequests > 0 ? " (\(s.transientRequests) more trimmed as start-up transient)" : ""
        var cache = s.prefixCacheHitRate.map { ", prefix cache \(Int(($0 * 100).rounded()))%" } ?? ""
        if s.answersAskedLength > 0 {
            cache += ", \(Int((Double(s.answersAtAskedLength) / Double(s.answersAskedLength) * 100).rounded()))% at asked length"
        }
        StandardError.write("  \(step.step). concurrency \(s.concurrency) (\(step.phase)): \(s.requests) measured\(trimmed), \(NumberFormatting.significant(s.transactionsPerMinute.value, digits: 4)) trans/min, \(step.observedText)\(cache)\(errors): \(step.verdict)\n")
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
