import Crest

/// The story of a search, for people: what it measured, in which order, and why it stopped.
enum SearchStory {
    static func lines(_ input: SweepReportInput) -> [String] {
        let steps = input.steps
        guard !steps.isEmpty else { return ["No level was measured."] }
        let distinct = Set(steps.map(\.concurrency)).count
        var lines = [
            "\(steps.count) measurement\(steps.count == 1 ? "" : "s") of \(distinct) level\(distinct == 1 ? "" : "s"), \(input.totals.requests) requests in \(NumberFormatting.duration(seconds: input.totals.durationSeconds))\(input.isSimulated ? " of simulated time" : "")."
        ]
        for phase in SearchPhase.inOrder {
            let inPhase = steps.filter { $0.phase == phase }
            guard !inPhase.isEmpty else { continue }
            let path = inPhase.map { "\($0.concurrency) (\($0.verdict.short))" }.joined(separator: " → ")
            let requests = inPhase.reduce(0) { $0 + $1.requestsSent }
            lines.append("\(phase.title): \(path); \(requests) requests.")
        }
        switch input.stopReason {
        case .converged: lines.append("Stopped: the answer was confirmed" + (input.recommendation.map { " at concurrency \($0.concurrency)." } ?? "."))
        case .noFeasibleLevel: lines.append("Stopped: even the lowest level broke the budget.")
        case .feasibleUpToLimit: lines.append("Stopped: every level up to the maximum concurrency met the budget.")
        case .budgetExhausted: lines.append("Stopped: the total budget ran out before the answer was confirmed.")
        case .unusableResponses: lines.append("Stopped: most responses at the last level carried no answer to measure (see Failures); no level is recommended.")
        case .interrupted: lines.append("Interrupted before the search ended: these results are partial, and no level is recommended.")
        }
        return lines
    }

    static func table(_ input: SweepReportInput) -> MarkdownTable {
        MarkdownTable(
            header: ["step", "concurrency", "phase", "test", "verdict", "observed", "requests", "why"],
            rows: input.steps.map { step in
                [
                    "\(step.step)", "\(step.concurrency)", step.phase.rawValue, step.test.description, step.verdict.description,
                    step.observedText, "\(step.requestsSent)", step.reason,
                ]
            },
            rightAligned: [0, 1, 6])
    }
}
