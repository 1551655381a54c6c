import Crest
import CrestAWS
import CrestHTTP
import CrestServe
import CrestSimulator
import CrestTestSupport
import Foundation
import XCTest

/// `crest serve --api bedrock|sagemaker`: the simulator behind Bedrock's Converse and a SageMaker
/// endpoint, measured by the live load generator as it measures AWS: SigV4 checked as AWS checks
/// it, the first token at the first text delta, usage from the stream's metadata, AWS's errors.
final class ServedAWSShapesTests: XCTestCase {
    private let serving = AWSServing(secrets: [AWSServing.exampleAccessKeyID: AWSServing.exampleSecretAccessKey], region: "us-east-1")

    private let dataset: Dataset = {
        let prompts = (1...4).map { index -> Prompt in
            let messages = [ChatMessage(role: "system", content: "Answer."), ChatMessage(role: "user", content: String(repeating: "word \(index) ", count: 30 * index))]
            return Prompt(content: .chat(messages), promptTokens: TokenEstimator.estimate(messages: messages), promptTokensSource: .estimate, maxOutputTokens: 12, line: index)
        }
        return Dataset(name: "served", path: "served.jsonl", format: .openAIChat, prompts: prompts, fingerprint: "0")
    }()

    /// - Parameter overTLS: served over https with the tests' loopback certificate, as AWS serves.
    private func run(
        _ api: APIKind, model: String, streaming: Bool = true, serving: AWSServing? = nil, credentials: AWSCredentials? = nil, region: String = "us-east-1",
        endpoint: SimulatedEndpoint = SimulatorPreset.a100.endpoint, overTLS: Bool = false
    ) async throws -> LevelRun {
        let loop = try EventLoop(name: "served-aws")
        defer { loop.shutdown() }
        let files = try TestCertificates.writeFiles().loopback
        let tls = overTLS ? try TLSContext.server(certificateChain: files.certificate, privateKey: files.key) : nil
        let server = try SimulatedInferenceServer(endpoint: endpoint, modelName: "sim", seed: 1, aws: serving ?? self.serving).listen(on: loop, port: 0, tls: tls)
        let signing = credentials ?? AWSCredentials(accessKeyID: AWSServing.exampleAccessKeyID, secretAccessKey: AWSServing.exampleSecretAccessKey)
        let live = try LiveEndpoint(
            url: "\(overTLS ? "https" : "http")://127.0.0.1:\(server.port)", api: api, model: model, streaming: streaming, metricsPath: nil,
            aws: AWSAccess(authorization: .sigV4(signing), region: region, source: "test"), certificateBundle: overTLS ? files.certificate : nil)
        let measurer = try LiveMeasurer(endpoint: live, dataset: dataset, seed: 1, requestTimeoutSeconds: 30, maxOutputTokens: 12)
        defer { measurer.shutdown() }
        return try await measurer.measure(Level(concurrency: 2), until: .requests(6))
    }

    func testBedrockAndSageMakerShapesStreamedAndWhole() async throws {
        for (api, model) in [(APIKind.bedrock, "anthropic.claude-instant-v1"), (.sagemakerTGI, "my-tgi-endpoint")] {
            for streaming in [true, false] {
                let run = try await run(api, model: model, streaming: streaming)
                XCTAssertEqual(run.measured.count, 6, "\(api) streaming \(streaming)")
                for sample in run.measured {
                    XCTAssertEqual(sample.outcome, .ok, "\(api) streaming \(streaming)")
                    XCTAssertEqual(sample.tokensSource, .server, "\(api) streaming \(streaming)")
                    XCTAssertGreaterThan(sample.completionTokens, 0)
                    if streaming {
                        // The first text comes a prefill after messageStart: never at the headers.
                        let ttft = try XCTUnwrap(sample.ttftSeconds)
                        XCTAssertGreaterThan(ttft, 0.005, "\(api)")
                        XCTAssertEqual(sample.interTokenGaps?.count, sample.completionTokens - 1, "\(api)")
                    } else {
                        XCTAssertNil(sample.ttftSeconds)
                    }
                    // Bedrock's usage counts the prompt as the server saw it; TGI's does not.
                    if api == .bedrock { XCTAssertEqual(sample.promptTokens, dataset.prompts[sample.promptIndex].promptTokens) }
                }
            }
        }
    }

    /// Over https, as real Bedrock and SageMaker are reached: signed as over http (the Host the
    /// signature covers carries the port), streamed in event-stream frames through TLS records.
    func testBedrockAndSageMakerOverHTTPSWithCrestsOwnTLS() async throws {
        try XCTSkipUnless(TLSContext.isAvailable, "the system's OpenSSL 3 is missing")
        for (api, model) in [(APIKind.bedrock, "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-haiku"), (.sagemakerTGI, "my-tgi-endpoint")] {
            let run = try await run(api, model: model, overTLS: true)
            XCTAssertEqual(run.client?.route, "epoll")
            XCTAssertEqual(run.measured.count, 6, "\(api)")
            for sample in run.measured {
                XCTAssertEqual(sample.outcome, .ok, "\(api)")
                XCTAssertGreaterThan(try XCTUnwrap(sample.ttftSeconds), 0.005, "\(api): the first text delta, not the headers")
                XCTAssertEqual(sample.tokensSource, .server, "\(api)")
            }
        }
        let refused = try await run(
            .bedrock, model: "anthropic.claude-instant-v1", credentials: AWSCredentials(accessKeyID: AWSServing.exampleAccessKeyID, secretAccessKey: "wrong"), overTLS: true)
        XCTAssertTrue(refused.measured.allSatisfy { $0.outcome == .http4xx && $0.errorName == "InvalidSignatureException" }, "\(refused.measured.map(\.errorName))")
    }

    // Refusals as AWS gives them: an unknown key, a wrong secret and a wrong region are 403s the
    // run counts as http_4xx, with AWS's message in the failure example.
    func testRequestsSignedWrongAreRefusedAsAWSRefusesThem() async throws {
        let cases: [(AWSCredentials, String, String)] = [
            (AWSCredentials(accessKeyID: "AKIDUNKNOWN", secretAccessKey: "x"), "us-east-1", "The security token included in the request is invalid."),
            (AWSCredentials(accessKeyID: AWSServing.exampleAccessKeyID, secretAccessKey: "wrong"), "us-east-1", "signature we calculated does not match"),
            (AWSCredentials(accessKeyID: AWSServing.exampleAccessKeyID, secretAccessKey: AWSServing.exampleSecretAccessKey), "eu-west-1", "scoped to a valid region"),
        ]
        for (credentials, region, message) in cases {
            let run = try await run(.bedrock, model: "anthropic.claude-instant-v1", credentials: credentials, region: region)
            XCTAssertTrue(run.measured.allSatisfy { $0.outcome == .http4xx && $0.errorName != nil }, message)
            XCTAssertTrue(run.failureExamples.contains { ($0.body ?? "").contains(message) && $0.status == 403 }, "\(run.failureExamples)")
        }
    }

    /// A container's failure behind SageMaker is a ModelError (424) carrying the container's own
    /// status, and is counted as what the container said: a 500 a server error, never a refusal.
    func testAContainersErrorBehindSageMakerCountsAsTheContainersStatus() async throws {
        var failing = SimulatorPreset.a100.endpoint
        failing.faults.errorProbability = 1
        let run = try await run(.sagemakerTGI, model: "my-tgi-endpoint", endpoint: failing)
        XCTAssertFalse(run.measured.isEmpty)
        XCTAssertTrue(run.measured.allSatisfy { $0.outcome == .http5xx && $0.errorName == "ModelError" }, "\(run.measured.map { ($0.outcome, $0.errorName) })")
        let example = try XCTUnwrap(run.failureExamples.first)
        XCTAssertEqual(example.status, 424)
        XCTAssertTrue(example.reason?.contains("container answered HTTP 500") == true, "\(example)")
    }

    /// A model id Bedrock could not serve, or an endpoint name SageMaker could not have, is
    /// refused with AWS's ValidationException and message; ids in every form Bedrock takes pass.
    func testResourceNamesAWSWouldRefuseAreRefusedAsAWSRefusesThem() async throws {
        let refusals: [(APIKind, String, String)] = [
            (.bedrock, "claude-instant-v1", "The provided model identifier is invalid."),
            (.bedrock, "anthropic/claude", "The provided model identifier is invalid."),
            (.sagemakerTGI, "my_endpoint", "at 'endpointName' failed to satisfy constraint"),
        ]
        for (api, name, message) in refusals {
            let run = try await run(api, model: name)
            XCTAssertTrue(run.measured.allSatisfy { $0.outcome == .http4xx }, "\(name)")
            XCTAssertTrue(run.failureExamples.contains { $0.status == 400 && ($0.body ?? "").contains(message) }, "\(name): \(run.failureExamples)")
        }
        for id in ["meta.llama3-8b-instruct-v1:0", "us.anthropic.claude-3-haiku-20240307-v1:0",
                   "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0", "sim"] {
            let served = try await run(.bedrock, model: id)
            XCTAssertTrue(served.measured.allSatisfy { $0.outcome == .ok }, id)
        }
    }

    func testThrottlesAreThrottlingExceptions() async throws {
        let throttling = AWSServing(secrets: serving.secrets, region: "us-east-1", throttleRate: 1)
        let run = try await run(.bedrock, model: "anthropic.claude-instant-v1", serving: throttling)
        XCTAssertTrue(run.measured.allSatisfy { $0.outcome == .http429 && $0.errorName == "ThrottlingException" })
        XCTAssertTrue(run.failureExamples.contains { ($0.body ?? "").contains("Too many requests") })
    }

    // A stale date or a tampered body: the verifier AWS's way, on the request as it arrived.
    func testAStaleDateOrATamperedBodyIsRefused() {
        let verifier = SigV4Verifier(secrets: serving.secrets, service: "bedrock", region: "us-east-1")
        let signer = SigV4Signer(
            credentials: AWSCredentials(accessKeyID: AWSServing.exampleAccessKeyID, secretAccessKey: AWSServing.exampleSecretAccessKey),
            service: "bedrock", region: "us-east-1")
        let body = Array(#"{"messages":[]}"#.utf8)
        let request = SigV4Request(method: "POST", path: "/model/m/converse", host: "h", headers: [(name: "Content-Type", value: "application/json")], body: body)
        let sentAt: Int64 = 1_800_000_000
        let signature = signer.sign(request, at: AWSTimestamp(unixSeconds: sentAt))
        var fields = ["host": "h", "content-type": "application/json"]
        for header in signature.headers { fields[header.name.lowercased()] = header.value }
        func verify(body: [UInt8], now: Int64) -> SigV4Verifier.Refusal? {
            verifier.verify(method: "POST", path: "/model/m/converse", query: "", fields: fields, body: body, nowUnixSeconds: now)
        }
        XCTAssertNil(verify(body: body, now: sentAt + 60))
        XCTAssertEqual(verify(body: body, now: sentAt + 301)?.message.hasPrefix("Signature expired"), true)
        XCTAssertEqual(verify(body: Array(#"{"messages":[1]}"#.utf8), now: sentAt)?.exception, "InvalidSignatureException")
    }
}
