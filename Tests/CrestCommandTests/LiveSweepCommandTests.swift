import Foundation
import XCTest

/// `crest serve` and `crest sweep --url`, as a user runs them: two processes over loopback.
final class LiveSweepCommandTests: WorkspaceTestCase {
    private func startServer(_ extra: [String] = []) throws -> (Process, String) {
        try CrestBinary.startServe(extra, in: workspace)
    }

    func testASweepOfTheServedSimulatorOverHTTP() throws {
        let (server, url) = try startServer()
        defer {
            server.interrupt()
            server.waitUntilExit()
        }
        let result = try CrestBinary.run(
            ["sweep", "--url", url, "--model", "any-name", "--levels", "1,4", "--requests-per-level", "8", "--max-tokens", "8",
             "--budget", "e2e.p95<=5s", "--out", "live"],
            in: workspace)
        XCTAssertEqual(result.status, 0, result.standardError)
        let folder = workspace.appendingPathComponent("live")
        let samples = try String(contentsOf: folder.appendingPathComponent("samples.jsonl"), encoding: .utf8).split(separator: "\n")
        XCTAssertGreaterThanOrEqual(samples.count, 2 * 8 + 8 + 8)
        for line in samples {
            let sample = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            XCTAssertEqual(sample["outcome"] as? String, "ok")
            XCTAssertEqual(sample["tokens_source"] as? String, "server")
            XCTAssertNotNil(sample["first_token_ns"] as? Int, "streamed by default: every sample has its first token")
        }
        let run = try String(contentsOf: folder.appendingPathComponent("run.json"), encoding: .utf8)
        XCTAssertTrue(run.contains("openai-chat"), run)
        // The endpoint's usage counted the prompts (the chat template's role tokens too): how far the estimate was.
        XCTAssertTrue(run.contains("\"prompt_tokens_check\""), run)
        XCTAssertTrue(result.standardOutput.contains("Prompt lengths: the endpoint counted "), result.standardOutput)
        XCTAssertTrue(run.contains(url), run)
        // Ctrl-C stops the server cleanly.
        server.interrupt()
        server.waitUntilExit()
        XCTAssertEqual(server.terminationStatus, 0)
    }

    func testCtrlCStopsALiveSweepAndMarksTheRunInterrupted() throws {
        let (server, url) = try startServer()
        defer {
            server.interrupt()
            server.waitUntilExit()
        }
        let started = try CrestBinary.start(
            ["sweep", "--url", url, "--model", "m", "--levels", "1,2", "--requests-per-level", "5000", "--out", "stopped"], in: workspace)
        let sweep = started.process
        // Once it says where it writes, its Ctrl-C handler is in place and its first level starts.
        var message = started.waitForStandardError(containing: "writing stopped/")
        sweep.interrupt()
        message += started.readStandardError()
        XCTAssertTrue(started.exits(), "the sweep ended on Ctrl-C")
        XCTAssertEqual(sweep.terminationStatus, 130, message)
        XCTAssertTrue(message.contains("interrupted; the levels measured so far are in stopped/"), message)
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: workspace.appendingPathComponent("stopped/run.json"))) as! [String: Any]
        XCTAssertEqual(manifest["status"] as? String, "interrupted")
        // Counted, not timed: the first level of 5000 requests never finished, so none was written.
        XCTAssertEqual(try text("stopped/samples.jsonl"), "", "the level stopped within itself, not after its 5000 requests")
    }

    func testLiveTargetMistakesGetExitCode2() throws {
        let cases: [([String], String)] = [
            (["--url", "http://127.0.0.1:1", "--target", "sim:l4-llama3-8b"], "not both"),
            (["--url", "http://127.0.0.1:1"], "--model is required"),
            (["--url", "http://127.0.0.1:1", "--model", "m", "--client", "curl"], "known: epoll, urlsession"),
            (["--url", "http://127.0.0.1:1", "--model", "m", "--api", "vllm"], "known: openai-chat, openai-completions, tgi, bedrock, sagemaker"),
            (["--api", "bedrock", "--model", "m", "--region", "us-east-1"], "no AWS credentials: set AWS_BEARER_TOKEN_BEDROCK"),
            (["--api", "bedrock", "--region", "us-east-1"], "--model is required with --api bedrock"),
            (["--api", "sagemaker", "--region", "us-east-1"], "--endpoint is required with --api sagemaker"),
            (["--api", "sagemaker", "--endpoint", "e", "--payload", "grpc"], "--payload 'grpc': unknown"),
            (["--url", "http://127.0.0.1:1", "--model", "m", "--region", "us-east-1"], "--region goes with --api bedrock or sagemaker"),
            (["--url", "http://127.0.0.1:1", "--model", "m", "--request-field", "stop=[unclosed"], "not JSON"),
            (["--url", "http://127.0.0.1:1", "--model", "m", "--api-key-env", "CREST_TEST_UNSET_KEY"], "not set"),
            (["--model", "m"], "goes with --url"),
        ]
        for (arguments, expected) in cases {
            let result = try CrestBinary.run(["sweep"] + arguments, in: workspace)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.standardError)")
            XCTAssertTrue(result.standardError.contains(expected), "\(arguments): \(result.standardError)")
        }
        // Without the system's OpenSSL 3 the epoll client has no TLS, and says what takes https then.
        let withoutOpenSSL = try CrestBinary.run(
            ["sweep", "--url", "https://127.0.0.1:1", "--model", "m", "--client", "epoll"], in: workspace, settings: ["CREST_LIBSSL": "/no/such/libssl.so.3"])
        XCTAssertEqual(withoutOpenSSL.status, 2, withoutOpenSSL.standardError)
        XCTAssertTrue(withoutOpenSSL.standardError.contains("which is missing (cannot load /no/such/libssl.so.3"), withoutOpenSSL.standardError)
        XCTAssertTrue(withoutOpenSSL.standardError.contains("--client urlsession takes https without it"), withoutOpenSSL.standardError)
    }

    /// A wrong URL is the endpoint unreachable, as issue 15 asks: exit 3, its category named, no folder.
    func testAHostThatDoesNotResolveEndsTheRunWithExit3() throws {
        let result = try CrestBinary.run(["sweep", "--url", "http://no-such-host.invalid:8000", "--model", "m", "--out", "nowhere"], in: workspace)
        XCTAssertEqual(result.status, 3, result.standardError)
        XCTAssertTrue(result.standardError.contains("dns_failure: the endpoint's host 'no-such-host.invalid' did not resolve"), result.standardError)
        XCTAssertTrue(result.standardError.contains("check the host name in --url"), result.standardError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.appendingPathComponent("nowhere").path))
    }

    func testAnEndpointThatRefusesConnectionsEndsTheRunWithAnExplanation() throws {
        let result = try CrestBinary.run(
            ["sweep", "--url", "http://127.0.0.1:9", "--model", "m", "--levels", "1", "--requests-per-level", "2", "--out", "down"],
            in: workspace)
        XCTAssertEqual(result.status, 3, result.standardError + result.standardOutput)
        // The pre-flight request finds it down: no level, no folder.
        XCTAssertTrue(result.standardError.contains("failed before any level was measured (connection_refused)"), result.standardError)
        XCTAssertTrue(result.standardError.contains("Connection refused"), result.standardError)
        XCTAssertTrue(result.standardError.contains("Is the endpoint up, and are the host and port in --url right?"), result.standardError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.appendingPathComponent("down").path))
    }
}
