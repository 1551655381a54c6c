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

    /// A counter of crest serve's /metrics page: `crest:requests_total{outcome="ok"}`, the requests
    /// it answered in full, or `crest:requests_abandoned_total`, those whose client left first.
    private func counter(_ name: String, of url: String) throws -> Int {
        let page = try String(contentsOf: URL(string: "\(url)/metrics")!, encoding: .utf8)
        let line = try XCTUnwrap(page.split(separator: "\n").first { $0.hasPrefix(name + " ") }, page)
        return try XCTUnwrap(Int(line.split(separator: " ").last!))
    }

    /// Starts a sweep of one ten-minute level of 8 clients against `url`; returns it once it says
    /// it writes `out`, with what it said.
    private func startLongLiveLevel(at url: String, out: String, extra: [String] = []) throws -> (CrestBinary.Started, String) {
        let started = try CrestBinary.start(
            ["sweep", "--url", url, "--model", "m", "--dataset", "en_1-500", "--max-tokens", "64", "--levels", "8",
             "--duration-per-level", "10m", "--out", out] + extra, in: workspace)
        return (started, started.waitForStandardError(containing: "writing \(out)/"))
    }

    /// A live level's requests reach samples.jsonl as they finish, before the level ends; Ctrl-C
    /// then stops sending, waits for the requests in flight and records every one: the endpoint
    /// answered in full exactly the requests the folder holds (and the pre-flight one).
    func testALiveLevelIsOnDiskAsItRunsAndCtrlCDrainsItsRequestsInFlight() throws {
        let (server, url) = try CrestBinary.startServe(in: workspace)
        defer {
            server.interrupt()
            server.waitUntilExit()
        }
        let (started, said) = try startLongLiveLevel(at: url, out: "drained")
        var message = said
        let samples = workspace.appendingPathComponent("drained/samples.jsonl")
        // Written while the level runs (its search line comes only at its end).
        var lines = 0
        for _ in 0..<100 where lines < 20 {
            usleep(100_000)
            lines = ((try? String(contentsOf: samples, encoding: .utf8)) ?? "").split(separator: "\n").count
        }
        XCTAssertGreaterThanOrEqual(lines, 20, "samples reach the disk during the level")
        XCTAssertEqual(try text("drained/search.jsonl"), "", "the level has not ended")
        kill(started.process.processIdentifier, SIGINT)
        message += started.readStandardError()
        XCTAssertTrue(started.exits(), message)
        XCTAssertEqual(started.process.terminationStatus, 130, message)
        XCTAssertTrue(message.contains("waiting up to 10 s for those in flight"), message)
        let stored = try text("drained/samples.jsonl").split(separator: "\n")
        XCTAssertTrue(stored.allSatisfy { $0.hasPrefix("{\"step\":1,") }, "every sample is the cut level's")
        XCTAssertEqual(try counter("crest:requests_total{outcome=\"ok\"}", of: url), stored.count + 1, "every answered request is on disk (the +1: the pre-flight)")
        XCTAssertEqual(try counter("crest:requests_abandoned_total", of: url), 0, "the requests in flight were waited for")
        // The partial report is written, and says how to go on.
        let report = try text("drained/report.md")
        XCTAssertTrue(report.contains("interrupted during its first level"), report)
        XCTAssertTrue(report.contains("--resume"), report)
    }

    func testDrainZeroStopsAtOnceAndTheSimulatorTakesNoDrain() throws {
        let (server, url) = try CrestBinary.startServe(in: workspace)
        defer {
            server.interrupt()
            server.waitUntilExit()
        }
        let (started, said) = try startLongLiveLevel(at: url, out: "abandoned", extra: ["--drain", "0"])
        var message = said
        // Once the level runs (its first samples are on disk), 8 requests are always in flight.
        let samples = workspace.appendingPathComponent("abandoned/samples.jsonl")
        for _ in 0..<100 where ((try? String(contentsOf: samples, encoding: .utf8)) ?? "").isEmpty { usleep(100_000) }
        kill(started.process.processIdentifier, SIGTERM)
        message += started.readStandardError()
        XCTAssertTrue(started.exits(), message)
        XCTAssertEqual(started.process.terminationStatus, 130, message)
        XCTAssertFalse(message.contains("waiting up to"), message)
        // The 8 requests in flight were abandoned: the server notices at its next step.
        usleep(300_000)
        XCTAssertGreaterThan(try counter("crest:requests_abandoned_total", of: url), 0)
        let simulated = try CrestBinary.run(["sweep", "--drain", "5s", "--out", "sim"], in: workspace)
        XCTAssertEqual(simulated.status, 2)
        XCTAssertTrue(simulated.standardError.contains("--drain goes with --url"), simulated.standardError)
        let negative = try CrestBinary.run(["sweep", "--url", url, "--model", "m", "--drain", "-1s", "--out", "neg"], in: workspace)
        XCTAssertEqual(negative.status, 2)
        XCTAssertTrue(negative.standardError.contains("--drain '-1s': expected a duration from 0 to 1h"), negative.standardError)
    }

    /// kill -9 (or a second Ctrl-C) while a line is written leaves it without its newline: `crest
    /// report`, `crest recommend` and `crest compare` leave that last line out and say so, instead
    /// of refusing the folder. A line cut short anywhere else is still an error naming it.
    func testALastLineCutShortByAKillIsLeftOutWithANote() throws {
        let sweep = try CrestBinary.run(["sweep", "--levels", "1,4", "--requests-per-level", "40", "--out", "torn"], in: workspace)
        XCTAssertEqual(sweep.status, 0, sweep.standardError)
        let samples = workspace.appendingPathComponent("torn/samples.jsonl")
        let search = workspace.appendingPathComponent("torn/search.jsonl")
        let whole = try (text("torn/samples.jsonl"), text("torn/search.jsonl"))
        try (whole.0 + #"{"step":3,"level":8,"cli"#).write(to: samples, atomically: true, encoding: .utf8)
        try (whole.1 + #"{"concurrency":8,"cumu"#).write(to: search, atomically: true, encoding: .utf8)
        for command in [["report", "torn"], ["recommend", "torn", "--budget", "e2e.p95<=10s"], ["compare", "torn", "torn", "--out", "both"]] {
            let result = try CrestBinary.run(command, in: workspace)
            XCTAssertEqual(result.status, 0, "\(command): \(result.standardError)")
            let sampleLine = whole.0.split(separator: "\n").count + 1
            XCTAssertTrue(result.standardError.contains("note: torn/samples.jsonl: line \(sampleLine), the last, was cut short"), "\(command): \(result.standardError)")
            XCTAssertTrue(result.standardError.contains("note: torn/search.jsonl: line 3, the last, was cut short"), "\(command): \(result.standardError)")
        }
        // The same cut in the middle of the file is damage, not an interruption.
        try (#"{"step":1,"level":1,"cli"#  + "\n" + whole.0).write(to: samples, atomically: true, encoding: .utf8)
        let damaged = try CrestBinary.run(["report", "torn"], in: workspace)
        XCTAssertEqual(damaged.status, 2, damaged.standardError)
        XCTAssertTrue(damaged.standardError.contains("torn/samples.jsonl:1"), damaged.standardError)
    }
}
