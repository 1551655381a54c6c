import CrestAWS
import CrestHTTP
import Foundation
import Synchronization

/// A Bedrock Converse and SageMaker (TGI container) endpoint on loopback that checks SigV4 as
/// AWS does and answers with scripted timings: Bedrock streams `messageStart` at once (before
/// any text, as Bedrock does), then a `contentBlockDelta` per token, `messageStop` and a
/// `metadata` event with the usage; SageMaker streams TGI's SSE lines in PayloadParts.
public final class ScriptedAWSEndpoint: HTTPRequestHandler, @unchecked Sendable {
    public enum Fault {
        /// A `throttlingException` frame after this many tokens, then the stream ends.
        case throttleAfter(tokens: Int)
        /// An HTTP error as AWS sends it: status, exception name, message.
        case error(status: Int, exception: String, message: String)
    }

    public let script: ScriptedEndpoint.Script
    public let fault: Fault?
    private let bedrock: SigV4Verifier
    private let sagemaker: SigV4Verifier
    private let served = Atomic<Int>(0)
    private let paths = Mutex<[String]>([])
    private let bodies = Mutex<[[UInt8]]>([])

    /// Serves requests signed by `accessKeyID` with `secret` for `region`.
    public init(_ script: ScriptedEndpoint.Script, fault: Fault? = nil, accessKeyID: String, secret: String, region: String) {
        self.script = script
        self.fault = fault
        bedrock = SigV4Verifier(secrets: [accessKeyID: secret], service: "bedrock", region: region)
        sagemaker = SigV4Verifier(secrets: [accessKeyID: secret], service: "sagemaker", region: region)
    }

    /// Requests answered with generated text.
    public var requestsServed: Int { served.load(ordering: .relaxed) }
    /// The paths requested, as they arrived (still percent-encoded).
    public var requestedPaths: [String] { paths.withLock { $0 } }
    /// The body of every request that passed the signature check, in the order they arrived.
    public var requestBodies: [[UInt8]] { bodies.withLock { $0 } }

    public func handle(_ request: HTTPServerRequest, response: HTTPResponseWriter) {
        paths.withLock { $0.append(request.path) }
        let segments = request.path.split(separator: "/").map(String.init)
        guard request.method == "POST", segments.count == 3, ["model", "endpoints"].contains(segments[0]) else {
            return refuse(response, status: 404, exception: "UnknownOperationException", message: "no route \(request.path)")
        }
        let isBedrock = segments[0] == "model"
        let verifier = isBedrock ? bedrock : sagemaker
        if let refusal = verifier.verify(
            method: request.method, path: request.path, query: request.query ?? "", fields: request.fields, body: request.body,
            nowUnixSeconds: Int64(Date().timeIntervalSince1970))
        {
            return refuse(response, status: refusal.status, exception: refusal.exception, message: refusal.message)
        }
        if case .error(let status, let exception, let message) = fault { return refuse(response, status: status, exception: exception, message: message) }
        served.add(1, ordering: .relaxed)
        bodies.withLock { $0.append(request.body) }
        let streaming = segments[2].hasSuffix("-stream")
        let start = response.loop.now
        let tokenTime = { (index: Int) in start + Int64((self.script.firstTokenDelay + Double(index) * self.script.tokenGap) * 1e9) }
        guard streaming else {
            response.loop.schedule(at: tokenTime(script.tokens - 1)) { [self] in
                response.send(status: 200, body: Array((isBedrock ? converseAnswer : tgiAnswer).utf8))
            }
            return
        }
        response.startStream(contentType: "application/vnd.amazon.eventstream")
        if isBedrock { response.sendChunk(frame(event: "messageStart", #"{"role":"assistant"}"#)) }
        for index in 0..<script.tokens {
            response.loop.schedule(at: tokenTime(index)) { [self] in
                if case .throttleAfter(let tokens) = fault, index == tokens {
                    response.sendChunk(frame(exception: "throttlingException", #"{"message":"Too many requests, please wait before trying again."}"#))
                    return response.endStream()
                }
                if isBedrock {
                    response.sendChunk(frame(event: "contentBlockDelta", #"{"contentBlockIndex":0,"delta":{"text":"t\#(index) "}}"#))
                } else {
                    let details = index == script.tokens - 1 ? #"{"finish_reason":"length","generated_tokens":\#(script.tokens)}"# : "null"
                    let line = #"data:{"token":{"id":\#(index),"text":"t","special":false},"details":\#(details)}"# + "\n\n"
                    response.sendChunk(EventStreamEncoder.encode(.event("PayloadPart", contentType: "application/octet-stream", payload: Array(line.utf8))))
                }
                guard index == script.tokens - 1 else { return }
                if isBedrock {
                    response.sendChunk(frame(event: "contentBlockStop", #"{"contentBlockIndex":0}"#))
                    response.sendChunk(frame(event: "messageStop", #"{"stopReason":"max_tokens"}"#))
                    response.sendChunk(frame(event: "metadata", #"{"usage":{"inputTokens":\#(script.promptTokens),"outputTokens":\#(script.tokens),"totalTokens":\#(script.promptTokens + script.tokens)},"metrics":{"latencyMs":100}}"#))
                }
                response.endStream()
            }
        }
    }

    private var converseAnswer: String {
        #"{"output":{"message":{"role":"assistant","content":[{"text":"scripted answer"}]}},"stopReason":"max_tokens","usage":{"inputTokens":\#(script.promptTokens),"outputTokens":\#(script.tokens),"totalTokens":\#(script.promptTokens + script.tokens)}}"#
    }

    private var tgiAnswer: String { #"[{"generated_text":"scripted answer","details":{"generated_tokens":\#(script.tokens)}}]"# }

    private func frame(event: String, _ json: String) -> [UInt8] {
        EventStreamEncoder.encode(.event(event, payload: Array(json.utf8)))
    }

    private func frame(exception: String, _ json: String) -> [UInt8] {
        EventStreamEncoder.encode(.exception(exception, payload: Array(json.utf8)))
    }

    private func refuse(_ response: HTTPResponseWriter, status: Int, exception: String, message: String) {
        let body = try! JSONSerialization.data(withJSONObject: ["message": message])
        response.send(status: status, body: Array(body), fields: ["x-amzn-ErrorType": "\(exception):http://internal.amazon.com/coral/com.amazon.bedrock/"])
    }
}

/// A scripted AWS endpoint listening on a loopback port, with its own loop thread.
public final class ScriptedAWSServer {
    public let endpoint: ScriptedAWSEndpoint
    public let loop: EventLoop
    public let server: HTTPServer

    public init(_ endpoint: ScriptedAWSEndpoint) throws {
        self.endpoint = endpoint
        loop = try EventLoop(name: "scripted-aws-server")
        server = try HTTPServer(loop: loop, handler: endpoint)
    }

    public var url: String { "http://127.0.0.1:\(server.port)" }

    public func stop() { loop.shutdown() }
}
