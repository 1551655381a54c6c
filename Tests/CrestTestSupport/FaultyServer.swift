import CrestHTTP
import Foundation
import Synchronization

/// A loopback HTTP server that answers every request the same wrong way, whatever its path: an
/// HTML page, an empty body, a JSON error object, a stream of `[DONE]` alone, a redirect. Tests of
/// what counts as a success, and the command's tests, point Crest at one.
public final class FaultyServer: HTTPRequestHandler, @unchecked Sendable {
    /// What the server answers.
    public enum Answer: Sendable {
        /// A whole response.
        case whole(status: Int, contentType: String, body: String, fields: [String: String] = [:])
        /// A chunked response: each chunk as given, then the end.
        case stream(status: Int = 200, contentType: String = "text/event-stream", chunks: [String])
        /// A 200 event stream whose chunks go out at the given seconds after the request, then the end.
        case pacedStream(chunks: [(seconds: Double, text: String)])
        /// The request's header fields as plain text, as some error pages show them.
        case echo(status: Int)
        /// A valid chat stream of `tokens` tokens `tokenGap` seconds apart while at most `concurrent`
        /// requests are in progress; past that, 429 with the Retry-After given (a hosted API's quota).
        case quota(concurrent: Int, retryAfter: String, tokens: Int = 4, tokenGap: Double = 0.01)
    }

    /// A web server's welcome page, where an API was expected.
    public static let htmlPage = Answer.whole(
        status: 200, contentType: "text/html", body: "<!DOCTYPE html>\n<html><head><title>Welcome to nginx!</title></head><body><h1>Welcome to nginx!</h1></body></html>\n")
    /// 200 and nothing else.
    public static let emptyBody = Answer.whole(status: 200, contentType: "application/json", body: "")
    /// An error object with a 200 status, not streamed.
    public static let errorObject = Answer.whole(status: 200, contentType: "application/json", body: #"{"error":{"message":"model overloaded","type":"server_error"}}"#)
    /// An event stream that holds only the end marker.
    public static let onlyDone = Answer.stream(chunks: ["data: [DONE]\n\n"])
    /// An event stream whose data is text, not JSON.
    public static let textEvents = Answer.stream(chunks: ["data: hello\n\n", "data: world\n\n", "data: [DONE]\n\n"])
    /// A well-formed chat stream that generates nothing: the role, an empty usage, the end.
    public static let emptyChatStream = Answer.stream(chunks: [
        "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n",
        "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":0}}\n\n", "data: [DONE]\n\n",
    ])

    public let answer: Answer
    private let loop: EventLoop
    private var server: HTTPServer!
    private let seen = Mutex<[HTTPServerRequest]>([])
    /// Requests in progress (touched on the loop's thread only).
    private var inProgress = 0

    /// Requests answered well (a streamed chat answer) before the faulty answers begin: 1 lets the
    /// pre-flight request through, so a level meets the fault.
    private let healthyFirst: Int

    public init(_ answer: Answer, healthyFirst: Int = 0) throws {
        self.answer = answer
        self.healthyFirst = healthyFirst
        loop = try EventLoop(name: "faulty-server")
        server = try HTTPServer(loop: loop, handler: self)
    }

    public var url: String { "http://127.0.0.1:\(server.port)" }

    /// Every request the server has received, in order.
    public var requests: [HTTPServerRequest] { seen.withLock { $0 } }

    public func stop() { loop.shutdown() }

    /// A good answer in the shape the request's path and `stream` field ask for.
    private func answerWell(_ request: HTTPServerRequest, _ response: HTTPResponseWriter) {
        let streamed = request.path == "/generate_stream" || String(decoding: request.body, as: UTF8.self).contains(#""stream":true"#)
        let event: String
        switch request.path {
        case "/generate_stream", "/generate":
            event = #"{"token":{"id":1,"text":"fine","special":false},"generated_text":"fine","details":{"finish_reason":"length","generated_tokens":1}}"#
        case "/v1/completions": event = #"{"choices":[{"text":"fine"}]}"#
        default: event = streamed ? #"{"choices":[{"delta":{"content":"fine"}}]}"# : #"{"choices":[{"message":{"content":"fine"}}]}"#
        }
        guard streamed else { return response.send(status: 200, body: Array(event.utf8)) }
        response.startStream()
        response.sendChunk(Array("data: \(event)\n\n\(request.path == "/generate_stream" ? "" : "data: [DONE]\n\n")".utf8))
        response.endStream()
    }

    public func handle(_ request: HTTPServerRequest, response: HTTPResponseWriter) {
        let number = seen.withLock { seen in
            seen.append(request)
            return seen.count
        }
        if number <= healthyFirst { return answerWell(request, response) }
        switch answer {
        case .whole(let status, let contentType, let body, let fields):
            response.send(status: status, contentType: contentType, body: Array(body.utf8), fields: fields)
        case .quota(let concurrent, let retryAfter, let tokens, let tokenGap):
            guard inProgress < concurrent else {
                return response.send(status: 429, body: Array(#"{"error":"quota"}"#.utf8), fields: ["Retry-After": retryAfter])
            }
            inProgress += 1
            response.startStream()
            let start = response.loop.now
            for index in 0..<tokens {
                response.loop.schedule(at: start + Int64(Double(index + 1) * tokenGap * 1e9)) { [self] in
                    response.sendChunk(Array("data: {\"choices\":[{\"delta\":{\"content\":\"t\"}}]}\n\n".utf8))
                    guard index == tokens - 1 else { return }
                    response.sendChunk(Array("data: [DONE]\n\n".utf8))
                    response.endStream()
                    inProgress -= 1
                }
            }
        case .echo(let status):
            let text = request.fields.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "\n")
            response.send(status: status, contentType: "text/plain", body: Array(text.utf8))
        case .stream(let status, let contentType, let chunks):
            response.startStream(status: status, contentType: contentType)
            for chunk in chunks { response.sendChunk(Array(chunk.utf8)) }
            response.endStream()
        case .pacedStream(let chunks):
            response.startStream()
            let start = response.loop.now
            for (index, chunk) in chunks.enumerated() {
                response.loop.schedule(at: start + Int64(chunk.seconds * 1e9)) {
                    response.sendChunk(Array(chunk.text.utf8))
                    if index == chunks.count - 1 { response.endStream() }
                }
            }
        }
    }
}
