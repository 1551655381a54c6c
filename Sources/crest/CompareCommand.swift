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
        """
    }

    let folders: [String]
    let expressions: [String]
    let errorRate: String?
    let requestsPerMinute: Double?
    let outputFolder: String?

    init(arguments: ArgumentList) throws {
        var arguments = arguments
        expressions = try arguments.values("--budget")
        errorRate = try arguments.value("--max-error-rate")
        requestsPerMinute = try arguments.value("--requests-per-minute").map { text in
            guard let value = DecimalNumber.parse(text), value > 0 else { throw UsageError("--requests-per-minute '\(text)': expected a number above zero") }
            return value
        }
        outputFolder = try arguments.value("--out")
        folders = arguments.positionals()
        guard folders.count >= 2 else { throw UsageError("name two results folders or more, e.g. crest compare results/a results/b") }
        try arguments.finish(command: Self.name)
    }

    func run() async throws -> ExitCode {
        try Self.compare(folders: folders, expressions: expressions, errorRate: errorRate, requestsPerMinute: requestsPerMinute, into: outputFolder)
    }

    /// Reads `folders`, writes the comparison into `output` (or results/compare-<time>), prints where.
    static func compare(folders: [String], expressions: [String], errorRate: String?, requestsPerMinute: Double?, into output: String?) throws -> ExitCode {
        let sweeps: [StoredSweep]
        do {
            sweeps = try folders.map { try StoredSweep.read(folder: $0) }
        } catch let error as ResultsError {
            throw UsageError(error.description)
        }
        let budget: Budget
        if expressions.isEmpty {
            let budgets = Set(sweeps.map(\.manifest.budget))
            guard budgets.count == 1, let own = sweeps.first?.manifest.budget else {
                throw UsageError("the sweeps ran with different budgets (\(budgets.map(\.description).sorted().joined(separator: "; "))); give one with --budget")
            }
            budget = try Budget(latency: own.latency, maxErrorRate: errorRate.map(Budget.parseErrorRate) ?? own.maxErrorRate)
        } else {
            budget = Budget(
                latency: try expressions.map(LatencyConstraint.init(parsing:)),
                maxErrorRate: try errorRate.map(Budget.parseErrorRate) ?? sweeps.first?.manifest.budget.maxErrorRate ?? 0.01)
        }
        let comparison = Comparison(sweeps, budget: budget, requestsPerMinute: requestsPerMinute)
        let folder = output ?? ResultsFolderName.next(target: "compare", dataset: "\(sweeps.count)-sweeps", at: Date())
        if let existing = try? FileManager.default.contentsOfDirectory(atPath: folder), !existing.isEmpty {
            throw ResultsError.occupied(path: folder)
        }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let now = Date()
        let plots = ComparisonReport.plots(comparison)
        let files = ReportFiles(folder: folder)
        try files.write(ComparisonReport.markdown(comparison, generatedAt: now), to: "report.md")
        try files.write(ComparisonReport.html(comparison, plots: plots, generatedAt: now), to: "report.html")
        try files.write(plots: plots)
        let best = comparison.bestPricePerformance.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.instance)" }
        StandardOutput.write("crest compare: \(sweeps.count) sweeps under \(budget)\(best.isEmpty ? "" : "; best price-performance " + best.joined(separator: ", "))\nReport: \(folder)/ (report.md, report.html, plots/)\n")
        return comparison.entries.contains { $0.answer.recommendation?.isFeasible == true } ? .success : .noFeasibleLevel
    }
}
