import Crest
import CrestReport
import Foundation

/// `crest report`: rebuilds a results folder's report and plots from its stored data.
struct ReportCommand: Command {
    static let name = "report"
    static let summary = "rebuild a results folder's report.md, report.html and plots from its stored data"

    static var usage: String {
        """
        USAGE: crest report RESULTS

        Reads run.json, search.jsonl and samples.jsonl in the folder RESULTS and writes report.md,
        report.html and plots/ there again (other files are left alone): after an upgrade of Crest, or
        to get the report of an interrupted sweep.

        OPTIONS
          --help                      show this help

        EXIT CODES
          0 the report was written   1 it could not be written   2 bad usage or an unreadable folder
        """
    }

    let folder: String

    init(arguments: ArgumentList) throws {
        var arguments = arguments
        folder = try arguments.resultsFolder(command: Self.name)
        try arguments.finish(command: Self.name)
    }

    func run() async throws -> ExitCode {
        let stored: StoredSweep
        let input: SweepReportInput
        do {
            stored = try StoredSweep.read(folder: folder)
            input = SweepReportInput(stored: stored, generatedAt: Date())
        } catch let error as ResultsError {
            throw UsageError(error.description)
        }
        for note in stored.notes { StandardError.write("note: \(folder)/\(note)\n") }
        let plots = try SweepReportFiles.write(SweepReport(input), input: input, runs: stored.runs, into: folder)
        StandardOutput.write("crest report: wrote \(folder)/report.md, report.html and \(plots.count) plots in plots/\n")
        return .success
    }
}
