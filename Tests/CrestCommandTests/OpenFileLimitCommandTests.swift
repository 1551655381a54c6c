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

    /// Each client needs a local port of its own towards the one endpoint: a level above the
    /// range (narrowed to 100 ports in a network namespace of its own) is refused, naming it.
    func testALevelAboveTheLocalPortRangeIsRefusedNamingIt() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") else { throw XCTSkip("needs root and unshare -n") }
        let command = ([try CrestBinary.executable.path, "sweep", "--url", "http://127.0.0.1:9", "--model", "m", "--levels", "1,200", "--out", "ports"])
            .map { "'\($0)'" }.joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        process.arguments = ["-n", "/bin/sh", "-c",
                             "echo '60000 60099' > /proc/sys/net/ipv4/ip_local_port_range || exit 99; \(command) 2> said.log; echo $? > status"]
        process.environment = ["SWIFT_BACKTRACE": "interactive=no", "PATH": "/usr/bin:/bin"]
        process.currentDirectoryURL = workspace
        try process.run()
        process.waitUntilExit()
        if process.terminationStatus == 99 { throw XCTSkip("this machine does not allow a network namespace's port range") }
        let said = try text("said.log")
        XCTAssertEqual(try text("status").trimmingCharacters(in: .whitespacesAndNewlines), "2", said)
        XCTAssertTrue(said.contains("concurrency 200 needs 200 connections to one address, and this machine has 100 local ports for them (net.ipv4.ip_local_port_range is 60000 60099)"), said)
        XCTAssertTrue(said.contains("sysctl -w net.ipv4.ip_local_port_range"), said)
        XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.appendingPathComponent("ports").path), "nothing written")
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
