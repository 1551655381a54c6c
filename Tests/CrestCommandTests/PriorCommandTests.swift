import Foundation
import XCTest

/// `crest sweep --prior`: a re-test after a deploy, from an earlier sweep's folder.
final class PriorCommandTests: WorkspaceTestCase {
    private let sweep = ["sweep", "--dataset", "en_1-500", "--max-tokens", "64", "--budget", "e2e.p95<=4s"]

    // The same simulated endpoint another day (another seed): the earlier answer stands, confirmed
    // in one step, for a fraction of the requests; run.json records where it started from, and the
    // answer's explanation says the endpoint measured as before.
    func testAReTestOfAnUnchangedEndpointConfirmsTheEarlierAnswer() throws {
        let before = try CrestBinary.run(sweep + ["--seed", "7", "--out", "before"], in: workspace)
        XCTAssertEqual(before.status, 0, before.standardError)
        let after = try CrestBinary.run(sweep + ["--seed", "8", "--prior", "before", "--out", "after"], in: workspace)
        XCTAssertEqual(after.status, 0, after.standardError)
        let earlier = try json("before/recommendation.json")
        let now = try json("after/recommendation.json")
        XCTAssertEqual(now["concurrency"] as? Int, earlier["concurrency"] as? Int)
        XCTAssertTrue((now["explanation"] as? String ?? "").contains("The endpoint measured as in before at"), "\(now)")
        let steps = try text("after/search.jsonl").split(separator: "\n")
        let stepsBefore = try text("before/search.jsonl").split(separator: "\n")
        XCTAssertLessThanOrEqual(steps.count, 2, "the answer's confirmation, and the level above it when it broke the budget narrowly")
        XCTAssertGreaterThan(stepsBefore.count, steps.count)
        let settings = try XCTUnwrap(try json("after/run.json")["settings"] as? [String: Any])
        XCTAssertEqual(settings["prior"] as? String, "before")
    }

    // A folder of another dataset, a fixed list, a folder that is no sweep's: each refused with
    // exit 2, naming what is wrong, before anything runs.
    func testAPriorOfAnotherSweepOrWithAFixedListIsRefused() throws {
        let before = try CrestBinary.run(sweep + ["--seed", "7", "--out", "before"], in: workspace)
        XCTAssertEqual(before.status, 0, before.standardError)
        let otherDataset = try CrestBinary.run(
            ["sweep", "--dataset", "en_500-1000", "--max-tokens", "64", "--budget", "e2e.p95<=4s", "--prior", "before", "--out", "x"], in: workspace)
        XCTAssertEqual(otherDataset.status, 2)
        XCTAssertTrue(otherDataset.standardError.contains("--prior before: not an earlier sweep of this target and dataset: its dataset was en_1-500"), otherDataset.standardError)
        let fixed = try CrestBinary.run(sweep + ["--levels", "1,2", "--prior", "before"], in: workspace)
        XCTAssertEqual(fixed.status, 2)
        XCTAssertTrue(fixed.standardError.contains("--prior before goes with the adaptive search"), fixed.standardError)
        let missing = try CrestBinary.run(sweep + ["--prior", "nowhere"], in: workspace)
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.standardError.contains("--prior nowhere:"), missing.standardError)
        let tooTight = try CrestBinary.run(
            ["sweep", "--dataset", "en_1-500", "--max-tokens", "64", "--budget", "e2e.p95<=10ms", "--prior", "before", "--out", "y"], in: workspace)
        XCTAssertEqual(tooTight.status, 2)
        XCTAssertTrue(tooTight.standardError.contains("no level it measured meets the budget"), tooTight.standardError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.appendingPathComponent("x").path), "nothing written")
    }

    private func json(_ path: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try text(path).utf8)) as? [String: Any])
    }
}
