import CrestTestSupport
import Foundation
import XCTest

/// `crest sweep --api bedrock` as a user runs it, against a scripted endpoint that checks SigV4:
/// credentials from the environment, every request signed, run.json naming where the
/// credentials came from, and no key, secret or token in anything the run writes or prints.
final class AWSSweepCommandTests: WorkspaceTestCase {
    private let keyID = "AKIDEXAMPLE"
    private let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    private let token = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN"

    private func sweep(signingWith secret: String, out: String) throws -> (CrestBinary.Result, ScriptedAWSEndpoint) {
        let endpoint = ScriptedAWSEndpoint(ScriptedEndpoint.Script(), accessKeyID: keyID, secret: self.secret, region: "us-east-1")
        let server = try ScriptedAWSServer(endpoint)
        defer { server.stop() }
        let result = try CrestBinary.run(
            ["sweep", "--api", "bedrock", "--model", "anthropic.claude-3-haiku-20240307-v1:0", "--url", server.url, "--levels", "1,2",
             "--requests-per-level", "8", "--budget", "e2e.p95<=5s", "--out", out],
            in: workspace,
            settings: ["AWS_ACCESS_KEY_ID": keyID, "AWS_SECRET_ACCESS_KEY": secret, "AWS_SESSION_TOKEN": token, "AWS_REGION": "us-east-1"])
        return (result, endpoint)
    }

    /// Every file of a results folder, as text.
    private func everything(in folder: String) throws -> String {
        let root = workspace.appendingPathComponent(folder)
        let walker = try XCTUnwrap(FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil))
        var text = ""
        while let url = walker.nextObject() as? URL {
            if let data = try? Data(contentsOf: url) { text += String(decoding: data, as: UTF8.self) }
        }
        return text
    }

    func testABedrockSweepSignsEveryRequestAndWritesNoSecret() throws {
        let (result, endpoint) = try sweep(signingWith: secret, out: "bedrock")
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertGreaterThanOrEqual(endpoint.requestsServed, 2 * 8)
        let run = try String(contentsOf: workspace.appendingPathComponent("bedrock/run.json"), encoding: .utf8)
        XCTAssertTrue(run.contains(#""credentials_source" : "environment: AWS_ACCESS_KEY_ID""#), run)
        XCTAssertTrue(run.contains(#""kind" : "bedrock""#), run)
        // Priced by the token from the shipped table, which the report names with its date.
        XCTAssertTrue(run.contains(#""usd_per_1k_input" : 0.00025"#) && run.contains(#""usd_per_1k_output" : 0.00125"#), run)
        XCTAssertTrue(run.contains(#""pricing_origin" : "Crest's price table, us-east-1 list prices as of 2025-01-26""#), run)
        let report = try String(contentsOf: workspace.appendingPathComponent("bedrock/report.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("from Crest's price table, us-east-1 list prices as of 2025-01-26"), report)
        XCTAssertTrue(report.contains("AWS credentials: environment: AWS_ACCESS_KEY_ID"), report)
        let written = try everything(in: "bedrock") + result.standardOutput + result.standardError
        XCTAssertTrue(written.contains("\"outcome\":\"ok\""), "samples were written")
        for secretValue in [secret, token] { XCTAssertFalse(written.contains(secretValue), "a secret reached a file or the console") }
    }

    // A wrong secret: the first request is refused, and the run ends there with exit 3 and AWS's
    // own message, before any level; the wrong secret appears nowhere either.
    func testAWrongSecretEndsTheRunWithAWSsMessage() throws {
        let wrong = "not-the-secret-0123456789"
        let (result, endpoint) = try sweep(signingWith: wrong, out: "refused")
        XCTAssertEqual(result.status, 3, result.standardError)
        XCTAssertEqual(endpoint.requestsServed, 0)
        XCTAssertTrue(result.standardError.contains("signature we calculated does not match"), result.standardError)
        // Stopped by the pre-flight request, before any level: one request refused, no folder written.
        XCTAssertTrue(result.standardError.contains("failed before any level was measured (http_4xx)"), result.standardError)
        XCTAssertEqual(endpoint.requestsServed, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.appendingPathComponent("refused").path))
        let written = result.standardOutput + result.standardError
        for secretValue in [wrong, token] { XCTAssertFalse(written.contains(secretValue), "a secret reached a file or the console") }
    }

    // Issue 14: `crest serve --api bedrock` and `crest sweep --api bedrock|sagemaker`, streamed and
    // not, end to end with AWS's example keys, which both processes take from their environment.
    func testSweepsOfTheServedSimulatorInAWSShapes() throws {
        let keys = ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": secret, "AWS_REGION": "us-west-2"]
        let (server, url) = try CrestBinary.startServe(["--api", "bedrock", "--region", "us-west-2"], in: workspace, settings: keys)
        defer {
            server.interrupt()
            server.waitUntilExit()
        }
        let targets: [[String]] = [
            ["--api", "bedrock", "--model", "anthropic.claude-instant-v1"], ["--api", "bedrock", "--model", "anthropic.claude-instant-v1", "--no-stream"],
            ["--api", "sagemaker", "--endpoint", "my-tgi-endpoint"], ["--api", "sagemaker", "--endpoint", "my-tgi-endpoint", "--no-stream"],
        ]
        for (index, target) in targets.enumerated() {
            let result = try CrestBinary.run(
                ["sweep", "--url", url, "--levels", "2", "--requests-per-level", "8", "--max-tokens", "8", "--budget", "e2e.p95<=5s", "--out", "aws\(index)"] + target,
                in: workspace, settings: keys)
            XCTAssertEqual(result.status, 0, "\(target): \(result.standardError)")
            let samples = try String(contentsOf: workspace.appendingPathComponent("aws\(index)/samples.jsonl"), encoding: .utf8).split(separator: "\n")
            XCTAssertGreaterThanOrEqual(samples.count, 8, "\(target)")
            for line in samples {
                let sample = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
                XCTAssertEqual(sample["outcome"] as? String, "ok", "\(target)")
                XCTAssertEqual(sample["tokens_source"] as? String, "server", "\(target)")
                XCTAssertEqual(sample["first_token_ns"] as? Int != nil, !target.contains("--no-stream"), "\(target)")
            }
        }
    }

    // Issue 14's outcomes through both processes: a model id Bedrock would refuse ends the run at
    // the pre-flight request with exit 3 and AWS's message; throttles are counted under AWS's name
    // in levels.csv, the console and the report, and never retried.
    func testAnUnknownModelIdStopsTheRunAndThrottlesAreCountedByName() throws {
        let keys = ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": secret, "AWS_REGION": "us-east-1"]
        let (server, url) = try CrestBinary.startServe(["--api", "bedrock", "--throttle-rate", "30%"], in: workspace, settings: keys)
        defer {
            server.interrupt()
            server.waitUntilExit()
        }
        let unknown = try CrestBinary.run(
            ["sweep", "--api", "bedrock", "--model", "claude-instant-v1", "--url", url, "--levels", "1", "--out", "unknown"], in: workspace, settings: keys)
        XCTAssertEqual(unknown.status, 3, unknown.standardError)
        XCTAssertTrue(unknown.standardError.contains("The provided model identifier is invalid."), unknown.standardError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.appendingPathComponent("unknown").path))
        // The pre-flight request may itself be throttled (a 429 does not stop a run): the levels measure that.
        let throttled = try CrestBinary.run(
            ["sweep", "--api", "bedrock", "--model", "anthropic.claude-instant-v1", "--url", url, "--levels", "2", "--requests-per-level", "30",
             "--max-tokens", "4", "--budget", "e2e.p95<=5s", "--out", "throttled"],
            in: workspace, settings: keys)
        XCTAssertTrue([0, 3].contains(throttled.status), throttled.standardError)
        let levels = try text("throttled/levels.csv").split(separator: "\n")
        let header = levels[0].split(separator: ",", omittingEmptySubsequences: false)
        let names = try XCTUnwrap(header.firstIndex(of: "error_names"))
        XCTAssertTrue(levels[1].split(separator: ",", omittingEmptySubsequences: false)[names].contains("ThrottlingException"), String(levels[1]))
        XCTAssertTrue(try text("throttled/report.md").contains("ThrottlingException"))
        let samples = try text("throttled/samples.jsonl")
        XCTAssertTrue(samples.contains(#""outcome":"http_429""#) && samples.contains(#""error_name":"ThrottlingException""#))
    }

    // --instance takes the hourly price from the table and names the instance in the report; one
    // the table lacks is refused with exit 2, naming the table.
    func testAnInstanceIsPricedFromTheTable() throws {
        let result = try CrestBinary.run(["sweep", "--instance", "ml.g5.12xlarge", "--levels", "1,2", "--requests-per-level", "8", "--out", "priced"], in: workspace)
        XCTAssertEqual(result.status, 0, result.standardError)
        let run = try String(contentsOf: workspace.appendingPathComponent("priced/run.json"), encoding: .utf8)
        XCTAssertTrue(run.contains("7.09"), run)
        XCTAssertTrue(run.contains(#""instance_label" : "ml.g5.12xlarge""#), run)
        let unknown = try CrestBinary.run(["sweep", "--instance", "ml.g5.13xlarge"], in: workspace)
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.standardError.contains("--instance 'ml.g5.13xlarge': not in") && unknown.standardError.contains("pricing.json"), unknown.standardError)
    }
}
