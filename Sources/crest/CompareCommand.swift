import Crest
import CrestReport
import Foundation

/// `crest compare`: stored sweeps side by side under one budget.
struct CompareCommand: Command {
    static let name = "compare"
    static let summary = "compare stored sweeps (targets, datasets, runs) under one budget, with price-performance"

    static var usage: String {
        """
        USAGE: crest compare RESULTS RESULTS... [--budget EXPR]... [--max-error-rate P]
                             [--requests-per-minute N] [--out DIR]

        Answers one budget from every results folder (as crest recommend does) and writes a comparison
        report: the per-instance results table (dataset × instance → recommendation), price per
        transaction and the best price-performance per dataset, capacity planning for a load, and
        overlaid throughput, latency and price-performance plots.

        OPTIONS
          --budget EXPR               the budget for all, repeatable (default: the sweeps' own, when they agree)
          --max-error-rate P          the error ceiling (default: the sweeps' own, else 1%)
          --requests-per-minute N     plan capacity: how many instances serve N requests per minute
          --out DIR                   where the report goes; must be new or empty (default results/compare-<time>)

        EXIT CODES
          0 some sweep has a level within the budget   1 the report could not be written
          2 bad usage or an unreadable folder          3 no sweep has a level within the budget
        """
    }

    let folders: [String]
    let latency: [LatencyConstraint]
    let errorRate: Double?
    let requestsPerMinute: Double?
    let outputFolder: String?

    init(arguments: ArgumentList) throws {
        var arguments = arguments
        latency = try arguments.latencyConstraints("--budget")
        errorRate = try arguments.errorRate("--max-error-rate")
        requestsPerMinute = try arguments.positiveNumber("--requests-per-minute", atMost: 1e9)
        outputFolder = try arguments.value("--out")
        folders = arguments.positionals()
        guard folders.count >= 2 else { throw UsageError("name two results folders or more, e.g. crest compare results/a results/b") }
        try arguments.finish(command: Self.name)
    }

    func run() async throws -> ExitCode {
        try Self.compare(folders: folders, latency: latency, errorRate: errorRate, requestsPerMinute: requestsPerMinute, into: outputFolder)
    }

    /// Reads `folders`, writes the comparison into `output` (or results/compare-<time>), prints where.
    static func compare(
        folders: [String], latency: [LatencyConstraint], errorRate: Double?, requestsPerMinute: Double?, into output: String?
    ) throws -> ExitCode {
        let sweeps: [StoredSweep]
        do {
            sweeps = try folders.map { try StoredSweep.read(folder: $0) }
        } catch let error as ResultsError {
            throw UsageError(error.description)
        }
        for sweep in sweeps {
            for note in sweep.notes { StandardError.write("note: \(sweep.folder)/\(note)\n") }
        }
        let budget: Budget
        if latency.isEmpty {
            let budgets = Set(sweeps.map(\.manifest.budget))
            guard budgets.count == 1, let own = sweeps.first?.manifest.budget else {
                throw UsageError("the sweeps ran with different budgets (\(budgets.map(\.description).sorted().joined(separator: "; "))); give one with --budget")
            }
            budget = Budget(latency: own.latency, maxErrorRate: errorRate ?? own.maxErrorRate)
        } else {
            budget = Budget(latency: latency, maxErrorRate: errorRate ?? sweeps.first?.manifest.budget.maxErrorRate ?? 0.01)
        }
        let comparison = Comparison(sweeps, budget: budget, requestsPerMinute: requestsPerMinute)
        let folder = output ?? ResultsFolderName.next(target: "compare", dataset: "\(sweeps.count)-sweeps", at: Date())
        try ResultsWriter.refuseOccupied(folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let now = Date()
        let plots = ComparisonReport.plots(comparison)
        let files = ReportFiles(folder: folder)
        try files.write(ComparisonReport.markdown(comparison, generatedAt: now), to: "report.md")
        try files.write(ComparisonReport.html(comparison, plots: plots, generatedAt: now), to: "report.html")
        try files.write(plots: plots)
        let best = comparison.bestPricePerformance.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.instance)" }
        StandardOutput.write("crest compare: \(sweeps.count) sweeps under \(budget)\(best.isEmpty ? "" : "; best price-performance " + best.joined(separator: ", "))\n")
        for line in comparison.sensitivity { StandardOutput.write("Sensitivity: \(line.replacingOccurrences(of: "`", with: ""))\n") }
        StandardOutput.write("Report: \(folder)/ (report.md, report.html, plots/)\n")
        return comparison.entries.contains { $0.answer.recommendation?.isFeasible == true } ? .success : .noFeasibleLevel
    }
}
