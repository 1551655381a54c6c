import Foundation
import XCTest

/// Ctrl-C and SIGTERM during a long simulated level. Regression test: the signal was ignored until
/// the level ended (64 s), the sweep then exited 3 with status "finished", and `crest report` on an
/// interrupted folder said "Stopped: the answer was confirmed at concurrency 1".
final class InterruptCommandTests: WorkspaceTestCase {
    func testASignalStopsASimulatedLevelAtOnce() throws {
        // SIGHUP: the terminal or ssh session closed under a sweep; it stops as on Ctrl-C.
        for (signal, name) in [(SIGINT, "int"), (SIGTERM, "term"), (SIGHUP, "hup")] {
            // Five million requests at one client: minutes of wall time, even simulated.
            let started = try CrestBinary.start(["sweep", "--levels", "1", "--requests-per-level", "5000000", "--out", name], in: workspace)
            let sweep = started.process
            var message = started.waitForStandardError(containing: "writing \(name)/")
            kill(sweep.processIdentifier, signal)
            message += started.readStandardError()
            XCTAssertTrue(started.exits(), "\(name): the sweep ended on the signal")
            XCTAssertEqual(sweep.terminationStatus, 130, "\(name): \(message)")
            XCTAssertTrue(message.contains("interrupted"), message)
            let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: workspace.appendingPathComponent("\(name)/run.json"))) as! [String: Any]
            XCTAssertEqual(manifest["status"] as? String, "interrupted")
            XCTAssertEqual(manifest["stop_reason"] as? String, "interrupted")
            // Counted, not timed: the level of five million requests never finished.
            XCTAssertEqual(try text("\(name)/samples.jsonl"), "", "\(name): the level stopped within itself, not at its end")
        }
    }

    /// A sweep killed after some levels (kill -9 leaves run.json saying "running"): its report says
    /// the results are partial and recommends nothing.
    func testTheReportOfASweepThatDidNotFinishSaysSo() throws {
        let sweep = try CrestBinary.run(["sweep", "--levels", "1,4", "--requests-per-level", "40", "--out", "killed"], in: workspace)
        XCTAssertEqual(sweep.status, 0, sweep.standardError)
        let manifestURL = workspace.appendingPathComponent("killed/run.json")
        var manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: manifestURL)) as! [String: Any]
        manifest["status"] = "running"
        for key in ["stop_reason", "finished_at", "recommended_concurrency"] { manifest.removeValue(forKey: key) }
        try JSONSerialization.data(withJSONObject: manifest).write(to: manifestURL)
        try FileManager.default.removeItem(at: workspace.appendingPathComponent("killed/recommendation.json"))

        let report = try CrestBinary.run(["report", "killed"], in: workspace)
        XCTAssertEqual(report.status, 0, report.standardError)
        let text = try self.text("killed/report.md")
        XCTAssertTrue(text.contains("Interrupted before the search ended"), text)
        XCTAssertTrue(text.contains("No level is recommended"), text)
        XCTAssertFalse(text.contains("the answer was confirmed"), text)
        XCTAssertFalse(text.contains("** ◀"), "no level is marked as the recommendation")
        XCTAssertTrue(text.contains("interrupted before its search ended: no recommendation"), "the per-instance table says so too")
    }
}
