import Crest
import CrestHTTP
import Foundation
import Synchronization

/// An OpenAI-compatible and TGI-compatible endpoint whose every response follows a script with
/// exact timings: the first token `firstTokenDelay` after the request arrives, then one token every
/// `tokenGap`. End-to-end tests compare what the load generator measured with the script.
public final class ScriptedEndpoint: HTTPRequestHandler, @unchecked Sendable {
    public enum Fault {
        case status(Int, retryAfter: String?)
        /// Drops the connection after this many tokens.
        case breakAfter(tokens: Int)
        /// Never answers.
        case silence
        /// Answers 200 with a body that is not JSON (unstreamed requests).
        case malformedBody
    }

    public struct Script {
        public var firstTokenDelay = 0.040
        public var tokenGap = 0.010
        public var tokens = 5
        /// The prompt size the usage block reports.
        public var promptTokens = 321
        public var fault: Fault?

        public init(firstTokenDelay: Double = 0.040, tokenGap: Double = 0.010, tokens: Int = 5, promptTokens: Int = 321, fault: Fault? = nil) {
            self.firstTokenDelay = firstTokenDelay
            self.tokenGap = tokenGap
            self.tokens = tokens
            self.promptTokens = promptTokens
            self.fault = fault
        }
    }

    public let script: Script
    private let served = Atomic<Int>(0)
    private let bodies = Mutex<[[UInt8]]>([])
    private let unknownPaths = Atomic<Int>(0)

    public init(_ script: Script) { self.script = script }

    /// Generation requests answered.
    public var requestsServed: Int { served.load(ordering: .relaxed) }
    /// The body of every request answered on an API's route, in the order they arrived.
    public var requestBodies: [[UInt8]] { bodies.withLock { $0 } }
    /// Requests for paths it does not serve (such as /metrics), answered 404.
    public var notFound: Int { unknownPaths.load(ordering: .relaxed) }

    /// The shortest end-to-end time a successful response can take.
    public var minimumLatency: Double { script.firstTokenDelay + Double(script.tokens - 1) * script.tokenGap }

    public func handle(_ request: HTTPServerRequest, response: HTTPResponseWriter) {
        let body = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] ?? [:]
        let kind: APIKind
        let streaming: Bool
        switch request.path {
        case "/v1/chat/completions": kind = .openAIChat; streaming = body["stream"] as? Bool ?? false
        case "/v1/completions": kind = .openAICompletions; streaming = body["stream"] as? Bool ?? false
        case "/generate_stream": kind = .tgi; streaming = true
        case "/generate": kind = .tgi; streaming = false
        default:
            unknownPaths.add(1, ordering: .relaxed)
            return response.send(status: 404, body: Array("{\"error\":\"no route\"}".utf8))
        }
        served.add(1, ordering: .relaxed)
        bodies.withLock { $0.append(request.body) }
        switch script.fault {
        case .status(let status, let retryAfter):
            return response.send(status: status, body: Array("{\"error\":\"scripted\"}".utf8), fields: retryAfter.map { ["Retry-After": $0] } ?? [:])
        case .silence:
            return
        case .malformedBody where !streaming:
            return response.send(status: 200, body: Array("not json".utf8))
        default:
            break
        }
        let start = response.loop.now
        let tokenTime = { (index: Int) in start + Int64((self.script.firstTokenDelay + Double(index) * self.script.tokenGap) * 1e9) }
        guard streaming else {
            response.loop.schedule(at: tokenTime(script.tokens - 1)) { [self] in
                response.send(status: 200, body: wholeBody(kind))
            }
            return
        }
        response.startStream()
        if kind == .openAIChat { response.sendChunk(event(#"{"choices":[{"delta":{"role":"assistant","content":""}}]}"#)) }
        for index in 0..<script.tokens {
            response.loop.schedule(at: tokenTime(index)) { [self] in
                if case .breakAfter(let tokens) = script.fault, index == tokens { return response.abort() }
                response.sendChunk(event(tokenEvent(kind, index: index)))
                guard index == script.tokens - 1 else { return }
                if kind != .tgi {
                    response.sendChunk(event(#"{"choices":[],"usage":{"prompt_tokens":\#(script.promptTokens),"completion_tokens":\#(script.tokens)}}"#))
                    response.sendChunk(event("[DONE]"))
                }
                response.endStream()
            }
        }
    }

    private func event(_ data: String) -> [UInt8] { Array("data: \(data)\n\n".utf8) }

    private func tokenEvent(_ kind: APIKind, index: Int) -> String {
        switch kind {
        case .openAIChat: return #"{"choices":[{"delta":{"content":"t\#(index)"}}]}"#
        case .openAICompletions: return #"{"choices":[{"text":"t\#(index)"}]}"#
        case .tgi:
            let details = index == script.tokens - 1 ? #"{"finish_reason":"length","generated_tokens":\#(script.tokens)}"# : "null"
            return #"{"token":{"id":\#(index),"text":"t","special":false},"details":\#(details)}"#
        case .bedrock, .sagemakerTGI, .sagemakerOpenAIChat:
            preconditionFailure("AWS shapes are served by ScriptedAWSEndpoint")
        }
    }

    private func wholeBody(_ kind: APIKind) -> [UInt8] {
        switch kind {
        case .openAIChat, .openAICompletions:
            return Array(#"{"choices":[{"message":{"content":"text"},"text":"text"}],"usage":{"prompt_tokens":\#(script.promptTokens),"completion_tokens":\#(script.tokens)}}"#.utf8)
        case .tgi:
            return Array(#"{"generated_text":"text","details":{"generated_tokens":\#(script.tokens)}}"#.utf8)
        case .bedrock, .sagemakerTGI, .sagemakerOpenAIChat:
            preconditionFailure("AWS shapes are served by ScriptedAWSEndpoint")
        }
    }
}

/// A scripted endpoint listening on a loopback port, with its own loop thread.
public final class ScriptedServer {
    public let endpoint: ScriptedEndpoint
    public let loop: EventLoop
    public let server: HTTPServer

    /// - Parameter tls: to serve https with this identity (`TestCertificates`); nil for http.
    public init(_ script: ScriptedEndpoint.Script, tls: TLSContext? = nil) throws {
        endpoint = ScriptedEndpoint(script)
        loop = try EventLoop(name: "scripted-server")
        server = try HTTPServer(loop: loop, handler: endpoint, tls: tls)
    }

    public var url: String { "\(server.tls == nil ? "http" : "https")://127.0.0.1:\(server.port)" }

    public func stop() { loop.shutdown() }
}
