import CrestTestSupport
import Foundation
import XCTest

/// A live sweep under a low open-files limit, as `ulimit -n` sets it. Regression test: a level
/// larger than the limit once counted the client's failed sockets as the endpoint's errors
/// ("Concurrency 250 breaks it: errors = 3.2%" under `ulimit -n 256`) and exited 1 with "cannot
/// write results".
final class OpenFileLimitCommandTests: WorkspaceTestCase {
    func testALevelAboveTheLimitIsRefusedBeforeAnyRequest() throws {
        // Port 9 refuses connections: nothing here may get as far as sending.
        for extra in [["--levels", "1,64"], ["--max-concurrency", "64"]] {
            let result = try CrestBinary.run(
                ["sweep", "--url", "http://127.0.0.1:9", "--model", "m", "--out", "refused"] + extra, in: workspace, openFileLimit: 100)
            XCTAssertEqual(result.status, 2, "\(extra): \(result.standardError)")
            XCTAssertTrue(result.standardError.contains("concurrency 64 needs 64 connections, and the open-files limit is 100 (ulimit -n"), "\(extra): \(result.standardError)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.appendingPathComponent("refused").path), "\(extra): nothing written")
        }
    }

    func testTheSearchStaysWithinTheLimitAndSaysSo() throws {
        // An endpoint that answers (the pre-flight request stops a sweep of one that is down).
        let server = try ScriptedServer(ScriptedEndpoint.Script(firstTokenDelay: 0.005, tokenGap: 0.001, tokens: 2))
        defer { server.stop() }
        let result = try CrestBinary.run(
            ["sweep", "--url", server.url, "--model", "m", "--out", "capped", "--max-requests", "200"], in: workspace, openFileLimit: 100)
        XCTAssertTrue(result.standardError.contains("note: the search goes up to concurrency 36, not 1024: the open-files limit is 100 (ulimit -n)"), result.standardError)
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: workspace.appendingPathComponent("capped/run.json"))) as! [String: Any]
        XCTAssertEqual((manifest["settings"] as? [String: Any])?["max_concurrency"] as? Int, 36)
    }
}
