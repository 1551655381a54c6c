import CrestHTTP
import Foundation

/// The server side of the overhead benchmark: it does no work but keep time. A chat request's
/// `bench` field says when to send the first event and how far apart the others go, and
/// `max_tokens` how many; the server streams exactly that, or answers at once when not streamed.
/// It runs in a child process, so the parent's CPU time is the load generator's alone.
final class BenchmarkServer: HTTPRequestHandler, @unchecked Sendable {
    /// A token event the size and shape vLLM sends (about 230 bytes), so the per-event cost is honest.
    static let event = Array((#"data: {"id":"chatcmpl-5f2c8e4a9b7d4e1f8a3c6b2d0e9f7a1c","object":"chat.completion.chunk","#
        + #""created":1732900000,"model":"meta-llama/Meta-Llama-3-8B-Instruct","choices":[{"index":0,"delta":{"content":" token"},"#
        + #""logprobs":null,"finish_reason":null}]}"# + "\n\n").utf8)

    func handle(_ request: HTTPServerRequest, response: HTTPResponseWriter) {
        let body = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] ?? [:]
        let timing = body["bench"] as? [String: Double] ?? [:]
        let tokens = body["max_tokens"] as? Int ?? 1
        let usage = #"{"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":\#(tokens)}}"#
        guard body["stream"] as? Bool == true else {
            return response.send(status: 200, body: Array(#"{"choices":[{"message":{"content":"x"}}],"usage":{"prompt_tokens":10,"completion_tokens":\#(tokens)}}"#.utf8))
        }
        response.startStream()
        let start = response.loop.now
        let first = Int64((timing["first_ms"] ?? 0) * 1e6)
        let gap = Int64((timing["gap_ms"] ?? 0) * 1e6)
        for index in 0..<tokens {
            response.loop.schedule(at: start + first + Int64(index) * gap) {
                guard response.isOpen else { return }
                response.sendChunk(Self.event)
                guard index == tokens - 1 else { return }
                response.sendChunk(Array("data: \(usage)\n\ndata: [DONE]\n\n".utf8))
                response.endStream()
            }
        }
    }
}

/// Runs the benchmark server until the parent closes its stdin; prints the port first.
/// `--serve --tls CERT KEY` serves https with that certificate and key.
func serveForParent() throws -> Never {
    let loop = try EventLoop(name: "bench-server")
    let arguments = CommandLine.arguments
    let tls = try arguments.firstIndex(of: "--tls").map { index in
        try TLSContext.server(certificateChain: arguments[index + 1], privateKey: arguments[index + 2])
    }
    let server = try HTTPServer(loop: loop, handler: BenchmarkServer(), tls: tls)
    FileHandle.standardOutput.write(Data("\(server.port)\n".utf8))
    _ = FileHandle.standardInput.readDataToEndOfFile()
    exit(0)
}
