import Crest
import CrestAWS
import XCTest
@testable import CrestHTTP
import CrestTestSupport

/// Bedrock's Converse and a SageMaker TGI endpoint, end to end over loopback against a scripted
/// endpoint that checks SigV4 as AWS does: requests signed as they are sent, the first token at
/// the first text delta (not at the headers or `messageStart`), tokens from the usage, and AWS's
/// refusals and mid-stream exceptions counted as what they are.
final class AWSEndpointTests: XCTestCase {
    private let slack = 0.060
    private let dataset = Dataset.scripted()
    private let keyID = "AKIDEXAMPLE"
    private let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

    private func measure(
        _ api: APIKind, model: String = "anthropic.claude-3-haiku-20240307-v1:0", streaming: Bool = true,
        script: ScriptedEndpoint.Script = ScriptedEndpoint.Script(), fault: ScriptedAWSEndpoint.Fault? = nil,
        signingSecret: String? = nil, region: String = "us-east-1", shape: WorkloadShape = .plain
    ) async throws -> (run: LevelRun, endpoint: ScriptedAWSEndpoint) {
        let served = ScriptedAWSEndpoint(script, fault: fault, accessKeyID: keyID, secret: secret, region: "us-east-1")
        let server = try ScriptedAWSServer(served)
        defer { server.stop() }
        let access = AWSAccess(
            authorization: .sigV4(AWSCredentials(accessKeyID: keyID, secretAccessKey: signingSecret ?? secret, sessionToken: "SESSIONTOKEN")),
            region: region, source: "test")
        let endpoint = try LiveEndpoint(url: server.url, api: api, model: model, streaming: streaming, metricsPath: nil, aws: access)
        let measurer = try LiveMeasurer(endpoint: endpoint, dataset: dataset.shaped(shape), seed: 1, requestTimeoutSeconds: 5)
        defer { measurer.shutdown() }
        return (try await measurer.measure(Level(concurrency: 2), until: .requests(6)), served)
    }

    /// A session sweep's later turns are built and signed as they are sent, and carry the replies:
    /// Converse's text deltas, and the TGI tokens inside SageMaker's PayloadParts.
    func testConversationsAreSignedTurnByTurnAndCarryTheReplies() async throws {
        let sessions = WorkloadShape(sessions: SessionShape(turns: 3, meanThinkSeconds: 0.02))
        let script = ScriptedEndpoint.Script(firstTokenDelay: 0.005, tokenGap: 0.002)
        let (bedrockRun, bedrock) = try await measure(.bedrock, script: script, shape: sessions)
        XCTAssertTrue(bedrockRun.samples.allSatisfy { $0.outcome == .ok }, "every turn passed the signature check")
        let conversations = bedrock.requestBodies.compactMap {
            ((try? JSONSerialization.jsonObject(with: Data($0))) as? [String: Any])?["messages"] as? [[String: Any]]
        }
        let replies = conversations.flatMap { $0.filter { $0["role"] as? String == "assistant" } }
            .map { (($0["content"] as? [[String: String]])?.first?["text"]) ?? "" }
        XCTAssertFalse(replies.isEmpty)
        XCTAssertTrue(replies.allSatisfy { $0 == "t0 t1 t2 t3 t4 " }, "\(replies)")
        XCTAssertTrue(bedrockRun.samples.contains { $0.turn == 3 })

        let (sageMakerRun, sageMaker) = try await measure(.sagemakerTGI, model: "my-endpoint", script: script, shape: sessions)
        XCTAssertTrue(sageMakerRun.samples.allSatisfy { $0.outcome == .ok })
        let inputs = sageMaker.requestBodies.compactMap { ((try? JSONSerialization.jsonObject(with: Data($0))) as? [String: Any])?["inputs"] as? String }
        XCTAssertTrue(inputs.contains { $0.contains("\n\nttttt\n\nprompt ") }, "\(inputs)")
    }

    func testBedrockStreamsAreTimedAtTheFirstTextDelta() async throws {
        let script = ScriptedEndpoint.Script()
        let (run, endpoint) = try await measure(.bedrock, script: script)
        XCTAssertEqual(run.measured.count, 6)
        for sample in run.measured {
            XCTAssertEqual(sample.outcome, .ok)
            // messageStart arrives at once; the first text 40 ms later.
            let ttft = try XCTUnwrap(sample.ttftSeconds)
            XCTAssertGreaterThanOrEqual(ttft, script.firstTokenDelay)
            XCTAssertLessThan(ttft, script.firstTokenDelay + slack)
            XCTAssertEqual(sample.completionTokens, script.tokens)
            XCTAssertEqual(sample.promptTokens, script.promptTokens)
            XCTAssertEqual(sample.tokensSource, .server)
            XCTAssertEqual(sample.interTokenGaps?.count, script.tokens - 1)
        }
        // The model id's ":" went on the wire percent-encoded, and the signature over it held.
        XCTAssertTrue(endpoint.requestedPaths.allSatisfy { $0 == "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream" })
    }

    func testWholeConverseAnswersCountTheirUsage() async throws {
        let (run, _) = try await measure(.bedrock, streaming: false)
        for sample in run.measured {
            XCTAssertEqual(sample.outcome, .ok)
            XCTAssertEqual(sample.completionTokens, 5)
            XCTAssertEqual(sample.promptTokens, 321)
        }
    }

    func testSageMakerStreamsCarryTheContainersEventsInPayloadParts() async throws {
        let script = ScriptedEndpoint.Script()
        let (run, endpoint) = try await measure(.sagemakerTGI, model: "my-tgi-endpoint", script: script)
        for sample in run.measured {
            XCTAssertEqual(sample.outcome, .ok)
            XCTAssertGreaterThanOrEqual(try XCTUnwrap(sample.ttftSeconds), script.firstTokenDelay)
            XCTAssertEqual(sample.completionTokens, script.tokens)
            XCTAssertEqual(sample.tokensSource, .server)
        }
        XCTAssertTrue(endpoint.requestedPaths.allSatisfy { $0 == "/endpoints/my-tgi-endpoint/invocations-response-stream" })
        let (whole, _) = try await measure(.sagemakerTGI, model: "my-tgi-endpoint", streaming: false)
        XCTAssertTrue(whole.measured.allSatisfy { $0.outcome == .ok && $0.completionTokens == script.tokens })
    }

    // A wrong secret or region is refused by the endpoint as AWS refuses it (403), every request
    // counted, and neither the secret nor the session token in any failure example.
    func testAWrongSecretIsRefusedAndNeverShown() async throws {
        for (secret, region) in [("wrong-secret-value", "us-east-1"), (self.secret, "eu-west-1")] {
            let (run, endpoint) = try await measure(.bedrock, signingSecret: secret, region: region)
            XCTAssertEqual(endpoint.requestsServed, 0)
            XCTAssertTrue(run.measured.allSatisfy { $0.outcome == .http4xx && $0.errorName == "InvalidSignatureException" })
            let examples = run.failureExamples.map { "\($0.reason ?? "") \($0.body ?? "")" }.joined(separator: "\n")
            XCTAssertTrue(examples.contains(region == "us-east-1" ? "signature we calculated does not match" : "scoped to a valid region"), examples)
            XCTAssertFalse(examples.contains(secret), examples)
            // No other level would change a refusal: the sweep stops at this one.
            let stop = try XCTUnwrap(UnusableResponses.check(run))
            XCTAssertTrue(stop.refusedAll)
            XCTAssertTrue(stop.description.contains("the endpoint refused all \(run.samples.count) requests (http_4xx: \(run.samples.count) InvalidSignatureException)"), stop.description)
            XCTAssertFalse(examples.contains("SESSIONTOKEN"), examples)
        }
    }

    // Throttling in the middle of a stream is the endpoint refusing load: a 429, named as AWS's
    // SDKs name it, so the report counts throttles apart from other failures.
    func testAThrottlingExceptionMidStreamCountsAsThrottled() async throws {
        let (run, _) = try await measure(.bedrock, fault: .throttleAfter(tokens: 2))
        XCTAssertTrue(run.measured.allSatisfy { $0.outcome == .http429 && $0.errorName == "ThrottlingException" })
        XCTAssertEqual(LevelSummary(run, confidence: 0.95).errorNames, ["ThrottlingException": run.measured.count])
        let reason = try XCTUnwrap(run.failureExamples.first?.reason)
        XCTAssertTrue(reason.contains("throttlingException: Too many requests"), reason)
    }

    // A stream cut inside a frame is malformed, not a success.
    func testAConverseStreamThatIsNotEventFramesIsMalformed() {
        var reading = ResponseReading()
        let message = EventStreamMessage(headers: [(":event-type", .string("contentBlockDelta")), (":message-type", .string("event"))], payload: Array("text".utf8))
        XCTAssertFalse(APIKind.bedrock.readConverse(message, into: &reading))
        XCTAssertNotNil(reading.problem)
    }

    func testBodiesAndPathsOfTheAWSKinds() throws {
        let prompt = Prompt(
            content: .chat([ChatMessage(role: "system", content: "Be brief."), ChatMessage(role: "user", content: "Hello")]), promptTokens: 5,
            promptTokensSource: .dataset, maxOutputTokens: nil, line: 1)
        let converse = try JSONSerialization.jsonObject(with: Data(APIKind.bedrock.body(for: prompt, model: "m", streaming: true, maxOutputTokens: 64, extraFields: [:]))) as! [String: Any]
        XCTAssertEqual((converse["system"] as? [[String: String]]), [["text": "Be brief."]])
        XCTAssertEqual((converse["inferenceConfig"] as? [String: Int]), ["maxTokens": 64])
        XCTAssertEqual((converse["messages"] as? [[String: Any]])?.count, 1)
        let tgi = try JSONSerialization.jsonObject(with: Data(APIKind.sagemakerTGI.body(for: prompt, model: "e", streaming: true, maxOutputTokens: 64, extraFields: [:]))) as! [String: Any]
        XCTAssertEqual(tgi["stream"] as? Bool, true)
        XCTAssertEqual((tgi["parameters"] as? [String: Any])?["max_new_tokens"] as? Int, 64)
        XCTAssertEqual(APIKind.bedrock.defaultPath(model: "arn:aws:bedrock:us-east-1:1:inference-profile/us.x", streaming: false),
                       "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Ainference-profile%2Fus.x/converse")
    }
}
