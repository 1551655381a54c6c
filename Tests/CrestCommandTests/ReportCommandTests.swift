import Foundation
import XCTest

/// `crest report` rebuilds a folder's report and plots from what the sweep stored.
final class ReportCommandTests: WorkspaceTestCase {
    func testRebuildsTheSameReportAndPlotsForBothKindsOfSweep() throws {
        for (name, arguments) in [("adaptive", [String]()), ("fixed", ["--levels", "1,8,32", "--requests-per-level", "60"])] {
            let sweep = try CrestBinary.run(["sweep", "--out", name] + arguments, in: workspace)
            XCTAssertEqual(sweep.status, 0, sweep.standardError)
            let report = try text("\(name)/report.md")
            let plots = try FileManager.default.contentsOfDirectory(atPath: workspace.appendingPathComponent("\(name)/plots").path).sorted()
            let originals = try plots.map { try text("\(name)/plots/\($0)") }
            for file in ["report.md", "report.html", "plots"] {
                try FileManager.default.removeItem(at: workspace.appendingPathComponent("\(name)/\(file)"))
            }
            let rebuilt = try CrestBinary.run(["report", name], in: workspace)
            XCTAssertEqual(rebuilt.status, 0, rebuilt.standardError)
            let withoutTime = { (text: String) in text.split(separator: "\n").filter { !$0.hasPrefix("**Last modified") } }
            XCTAssertEqual(withoutTime(try text("\(name)/report.md")), withoutTime(report), name)
            XCTAssertEqual(try plots.map { try text("\(name)/plots/\($0)") }, originals, name)
            XCTAssertTrue(try text("\(name)/report.html").contains("<h2>Plots</h2>"))
        }
    }

    func testAFolderThatIsNotResultsIsRefused() throws {
        let result = try CrestBinary.run(["report", "datasets"], in: workspace)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.standardError.contains("not a Crest results folder"), result.standardError)
    }
}
