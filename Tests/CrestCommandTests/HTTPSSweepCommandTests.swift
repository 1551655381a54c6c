import CrestTestSupport
import Foundation
import XCTest

/// `crest serve --tls-cert --tls-key` and `crest sweep --url https://...`, as a user runs them:
/// Crest's own TLS at both ends, a certificate trusted with --ca-bundle or refused at once.
final class HTTPSSweepCommandTests: WorkspaceTestCase {
    private static let files = try! TestCertificates.writeFiles()

    private func startTLSServer() throws -> (Process, String) {
        let (server, url) = try CrestBinary.startServe(
            ["--tls-cert", Self.files.loopback.certificate, "--tls-key", Self.files.loopback.key], in: workspace)
        guard url.hasPrefix("https://") else {
            server.terminate()
            throw XCTSkip("crest serve could not serve https here (no OpenSSL 3?): \(url)")
        }
        return (server, url)
    }

    func testASweepOverHTTPSWithATrustedBundle() throws {
        let (server, url) = try startTLSServer()
        defer {
            server.interrupt()
            server.waitUntilExit()
        }
        let result = try CrestBinary.run(
            ["sweep", "--url", url, "--model", "m", "--ca-bundle", Self.files.loopback.certificate, "--levels", "1,4", "--requests-per-level", "8",
             "--max-tokens", "8", "--budget", "e2e.p95<=5s", "--out", "secure"],
            in: workspace)
        XCTAssertEqual(result.status, 0, result.standardError)
        let samples = try text("secure/samples.jsonl").split(separator: "\n")
        XCTAssertGreaterThanOrEqual(samples.count, 16)
        XCTAssertTrue(samples.allSatisfy { $0.contains(#""outcome":"ok""#) })
        XCTAssertTrue(try text("secure/run.json").contains(url), "run.json names the https URL")
        // The epoll client carried it, not URLSession, and the served gauges were read over TLS.
        XCTAssertFalse(try text("secure/report.md").contains("URLSession"))
        let levels = try text("secure/levels.csv").split(separator: "\n")
        let header = levels[0].split(separator: ",", omittingEmptySubsequences: false)
        let running = try XCTUnwrap(header.firstIndex(of: "server_running_mean"), String(levels[0]))
        XCTAssertFalse(levels[1].split(separator: ",", omittingEmptySubsequences: false)[running].isEmpty, "the /metrics page was read over https")
    }

    func testAnUntrustedCertificateStopsTheRunBeforeAnyLevel() throws {
        let (server, url) = try startTLSServer()
        defer {
            server.interrupt()
            server.waitUntilExit()
        }
        let result = try CrestBinary.run(["sweep", "--url", url, "--model", "m", "--levels", "1", "--out", "untrusted"], in: workspace)
        XCTAssertEqual(result.status, 3, result.standardError)
        XCTAssertTrue(result.standardError.contains("its certificate was rejected (self-signed certificate)"), result.standardError)
        XCTAssertTrue(result.standardError.contains("--ca-bundle FILE"), result.standardError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.appendingPathComponent("untrusted").path), "no folder for a run that never began")
    }

    func testTLSMistakesGetExitCode2() throws {
        let cases: [([String], String)] = [
            (["sweep", "--url", "https://127.0.0.1:1", "--model", "m", "--ca-bundle", Self.files.loopback.key], "--ca-bundle \(Self.files.loopback.key): no PEM certificate"),
            (["sweep", "--url", "https://127.0.0.1:1", "--model", "m", "--ca-bundle", "no-such.pem"], "--ca-bundle 'no-such.pem': no such readable file"),
            (["sweep", "--url", "http://127.0.0.1:1", "--model", "m", "--ca-bundle", Self.files.loopback.certificate], "a certificate bundle is for https URLs"),
            (["sweep", "--ca-bundle", Self.files.loopback.certificate], "--ca-bundle goes with --url"),
            (["serve", "--tls-cert", Self.files.loopback.certificate], "--tls-cert needs --tls-key"),
            (["serve", "--port", "0", "--tls-cert", Self.files.loopback.certificate, "--tls-key", Self.files.otherHost.key], "not the one of"),
        ]
        for (arguments, message) in cases {
            let result = try CrestBinary.run(arguments, in: workspace)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.standardError)")
            XCTAssertTrue(result.standardError.contains(message), "\(arguments): \(result.standardError)")
        }
        // AWS_CA_BUNDLE is the AWS tools' variable: read for an AWS target over https, and checked.
        let keys = ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_CA_BUNDLE": "/no/such/bundle.pem"]
        let aws = try CrestBinary.run(["sweep", "--api", "bedrock", "--model", "m", "--region", "us-east-1"], in: workspace, settings: keys)
        XCTAssertEqual(aws.status, 2, aws.standardError)
        XCTAssertTrue(aws.standardError.contains("AWS_CA_BUNDLE '/no/such/bundle.pem': no such readable file"), aws.standardError)
    }
}
