import Crest

/// Writes a sweep's report into its results folder: report.md, report.html with the plots inline,
/// and plots/. The sweep does it as it ends, `crest report` again from the stored data.
public enum SweepReportFiles {
    /// Writes them; `runs` (every measurement with its samples) give the per-request plots.
    /// Returns the plots' file names.
    @discardableResult
    public static func write(_ report: SweepReport, input: SweepReportInput, runs: [LevelRun], into folder: String) throws -> [String] {
        let plots = SweepPlots.render(input, runs: runs)
        let files = ReportFiles(folder: folder)
        try files.write(MarkdownRenderer.render(report), to: "report.md")
        try files.write(HTMLRenderer.render(report, plots: plots), to: "report.html")
        try files.write(plots: plots)
        return plots.map(\.name)
    }
}
