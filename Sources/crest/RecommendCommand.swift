import Crest
import CrestReport
import Foundation

/// `crest recommend`: answers a budget from a stored sweep, without sending a request.
struct RecommendCommand: Command {
    static let name = "recommend"
    static let summary = "answer a new latency budget from a stored sweep, without sending a request"

    static var usage: String {
        """
        USAGE: crest recommend RESULTS [--budget EXPR]... [--max-error-rate P] [--json]

        Judges every level the sweep in the folder RESULTS measured under a budget, from its stored
        samples, and recommends one as the sweep would have. With no --budget it answers the budget the
        sweep ran with (the sweep's own verdicts). It says which levels were measured, where the budget's
        edge falls between two of them, and when the stored levels cannot answer, the command that would.

        OPTIONS
          --budget EXPR               METRIC.STAT<=VALUE, repeatable, as for crest sweep (e2e|ttft|ttfa|tpot|itl)
          --max-error-rate P          the error ceiling, e.g. 1% (default: the sweep's, else 1%)
          --json                      print the answer as JSON

        EXIT CODES
          0 a level meets the budget   2 bad usage or an unreadable folder   3 no measured level meets it
        """
    }

    let folder: String
    let latency: [LatencyConstraint]
    let errorRate: Double?
    let printsJSON: Bool

    init(arguments: ArgumentList) throws {
        var arguments = arguments
        latency = try arguments.latencyConstraints("--budget")
        errorRate = try arguments.errorRate("--max-error-rate")
        printsJSON = arguments.flag("--json")
        folder = try arguments.resultsFolder(command: Self.name)
        try arguments.finish(command: Self.name)
    }

    func run() async throws -> ExitCode {
        let stored: StoredSweep
        do {
            stored = try StoredSweep.read(folder: folder)
        } catch let error as ResultsError {
            throw UsageError(error.description)
        }
        for note in stored.notes { StandardError.write("note: \(folder)/\(note)\n") }
        let swept = stored.manifest.budget
        let budget = Budget(latency: latency.isEmpty ? swept.latency : latency, maxErrorRate: errorRate ?? swept.maxErrorRate ?? 0.01)
        if budget.needsInterTokenGaps, !stored.runs.contains(where: { $0.samples.contains { $0.interTokenGaps != nil } }) {
            throw UsageError("this sweep recorded no inter-token gaps (unstreamed, or a simulated sweep without an ITL budget); rerun it with --budget '\(budget.latency.first { $0.metric == .itl }!)'")
        }
        let answer = stored.answer(budget)
        if printsJSON {
            StandardOutput.write(BudgetAnswerText.json(answer, stored: stored) + "\n")
        } else {
            StandardOutput.write(BudgetAnswerText.render(answer, stored: stored, folder: folder))
        }
        return answer.recommendation?.isFeasible == true ? .success : .noFeasibleLevel
    }
}
