import Crest
import CrestAWS
import Foundation
import XCTest
@testable import CrestHTTP
import CrestTestSupport

/// Seeded mutation fuzzing of everything that reads bytes off the wire: the HTTP response parser,
/// the SSE parser and every API kind's reading of events and bodies (through the client's own
/// `ResponseReader`), AWS event-stream frames, and `crest serve`'s request parser. Each input is
/// fed in random pieces, as a socket delivers it. A thrown error is a fine answer; a crash fails
/// the whole test run. CI runs a short pass; `CREST_FUZZ_INPUTS=1000000` runs the figure's.
final class WireFuzzTests: XCTestCase {
    static var inputsPerTarget: Int { ProcessInfo.processInfo.environment["CREST_FUZZ_INPUTS"].flatMap(Int.init) ?? 3_000 }

    private static func response(_ head: String, _ body: [UInt8]) -> [UInt8] {
        Array("HTTP/1.1 200 OK\r\n\(head)\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body
    }

    private static func chunked(_ head: String, _ body: [UInt8]) -> [UInt8] {
        var bytes = Array("HTTP/1.1 200 OK\r\n\(head)\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        var index = 0
        while index < body.count {
            let piece = body[index..<min(body.count, index + 37)]
            bytes += Array("\(String(piece.count, radix: 16))\r\n".utf8) + piece + Array("\r\n".utf8)
            index += piece.count
        }
        return bytes + Array("0\r\n\r\n".utf8)
    }

    /// Valid responses of `api`, streamed or whole, in both framings.
    private static func corpus(_ api: APIKind, streaming: Bool) -> [[UInt8]] {
        func sse(_ events: [String]) -> [UInt8] { Array(events.map { "data: \($0)\n\n" }.joined().utf8) }
        let json = "Content-Type: application/json"
        let stream = "Content-Type: text/event-stream"
        let frames = "Content-Type: application/vnd.amazon.eventstream"
        let body: [UInt8]
        let head: String
        switch (api, streaming) {
        case (.openAIChat, true), (.sagemakerOpenAIChat, true):
            let events = sse([#"{"choices":[{"delta":{"role":"assistant","content":""}}]}"#, #"{"choices":[{"delta":{"content":"Hello"}}]}"#,
                              #"{"choices":[{"delta":{"content":" world"}}]}"#, #"{"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":2}}"#, "[DONE]"])
            (head, body) = api == .openAIChat ? (stream, events) : (frames, EventStreamEncoder.encode(.event("PayloadPart", payload: events)))
        case (.openAICompletions, true):
            (head, body) = (stream, sse([#"{"choices":[{"text":"Hi"}]}"#, #"{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":1}}"#, "[DONE]"]))
        case (.tgi, true), (.sagemakerTGI, true):
            let events = sse([#"{"token":{"id":1,"text":"a","special":false},"details":null}"#,
                              #"{"token":{"id":2,"text":"b","special":false},"details":{"finish_reason":"length","generated_tokens":2}}"#])
            (head, body) = api == .tgi ? (stream, events) : (frames, EventStreamEncoder.encode(.event("PayloadPart", payload: events)))
        case (.bedrock, true):
            (head, body) = (frames, [
                EventStreamEncoder.encode(.event("messageStart", payload: Array(#"{"role":"assistant"}"#.utf8))),
                EventStreamEncoder.encode(.event("contentBlockDelta", payload: Array(#"{"contentBlockIndex":0,"delta":{"text":"Hi"}}"#.utf8))),
                EventStreamEncoder.encode(.event("messageStop", payload: Array(#"{"stopReason":"end_turn"}"#.utf8))),
                EventStreamEncoder.encode(.event("metadata", payload: Array(#"{"usage":{"inputTokens":5,"outputTokens":1}}"#.utf8))),
                EventStreamEncoder.encode(.exception("throttlingException", payload: Array(#"{"message":"slow down"}"#.utf8))),
            ].flatMap { $0 })
        case (.bedrock, false):
            (head, body) = (json, Array(#"{"output":{"message":{"content":[{"text":"Hi"}]}},"usage":{"inputTokens":5,"outputTokens":1}}"#.utf8))
        case (.tgi, false), (.sagemakerTGI, false):
            (head, body) = (json, Array(#"{"generated_text":"text","details":{"generated_tokens":3}}"#.utf8))
        case (_, false):
            (head, body) = (json, Array(#"{"choices":[{"message":{"content":"text"},"text":"text"}],"usage":{"prompt_tokens":3,"completion_tokens":1}}"#.utf8))
        }
        return [response(head, body), chunked(head, body), Array("HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nContent-Length: 2\r\n\r\n{}".utf8)]
    }

    func testEveryAPIKindsResponsesFuzzedNeverCrashTheClient() throws {
        var inputs = 0
        for (index, api) in APIKind.allCases.enumerated() {
            for streaming in [true, false] {
                let endpoint = try LiveEndpoint(url: "http://127.0.0.1:1", api: api, model: "m", streaming: streaming, metricsPath: nil)
                var mutator = Mutator(seed: derivedSeed(77, UInt64(index), streaming ? 1 : 0), corpus: Self.corpus(api, streaming: streaming))
                for _ in 0..<(Self.inputsPerTarget / (2 * APIKind.allCases.count) + 1) {
                    read(mutator.next(), as: endpoint, in: &mutator)
                    inputs += 1
                }
            }
        }
        XCTAssertGreaterThan(inputs, 0)
    }

    /// What the epoll client does with a response's bytes, minus the socket.
    private func read(_ bytes: [UInt8], as endpoint: LiveEndpoint, in mutator: inout Mutator) {
        var parser = HTTPResponseParser()
        var reader = ResponseReader(endpoint: endpoint, limits: ResponseLimits(maximumResponseBytes: 1 << 16, maximumEventBytes: 4096, maximumTokenEvents: 64, maximumBodyBytes: 1 << 14))
        var request = RequestInFlight(promptIndex: 0, levelNumber: 1, recorded: nil, seq: 0, sentAt: 0, sendLag: 0, deadline: .max)
        var ended = false
        bytes.withUnsafeBufferPointer { all in
            for piece in mutator.pieces(of: all.count) where !ended && reader.cutOffReason == nil {
                reader.received(piece.count, into: &request)
                do {
                    try parser.parse(
                        UnsafeBufferPointer(rebasing: all[piece]), head: { request.head = $0 },
                        body: { _ = reader.read($0, at: 1, into: &request, eventParsed: {}) }, end: { ended = true })
                } catch {
                    return
                }
            }
        }
        if !ended { try? parser.connectionClosed { ended = true } }
        if ended, request.head != nil { _ = reader.finish(request, at: 2) }
    }

    func testEventStreamFramesFuzzedNeverCrashTheDecoder() {
        let corpus = [
            EventStreamEncoder.encode(.event("contentBlockDelta", payload: Array(#"{"delta":{"text":"Hi"}}"#.utf8))),
            EventStreamEncoder.encode(.exception("throttlingException", payload: Array(#"{"message":"slow"}"#.utf8))),
            EventStreamEncoder.encode(EventStreamMessage(
                headers: [(":event-type", .string("x")), ("n", .long(-1)), ("b", .bool(true)), ("t", .timestamp(1)), ("u", .uuid(Array(repeating: 7, count: 16))),
                          ("y", .bytes([1, 2, 3])), ("s", .short(-2)), ("i", .integer(5)), ("c", .byte(1))],
                payload: [1, 2, 3])),
        ]
        var mutator = Mutator(seed: 78, corpus: corpus)
        for _ in 0..<Self.inputsPerTarget {
            let bytes = mutator.next()
            var decoder = EventStreamDecoder()
            for piece in mutator.pieces(of: bytes.count) {
                guard (try? decoder.feed(bytes[piece])) != nil else { break }
            }
            _ = try? decoder.finish()
        }
    }

    func testRequestsFuzzedNeverCrashTheServersParser() {
        let corpus = [
            "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 18\r\n\r\n{\"model\":\"m\",\"x\":1}",
            "GET /metrics HTTP/1.1\r\nHost: h\r\n\r\nGET /health HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
            "POST /model/a%3Ab/converse HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        ].map { Array($0.utf8) }
        var mutator = Mutator(seed: 79, corpus: corpus)
        for _ in 0..<Self.inputsPerTarget {
            let bytes = mutator.next()
            var parser = HTTPRequestParser()
            bytes.withUnsafeBufferPointer { all in
                for piece in mutator.pieces(of: all.count) {
                    var offset = piece.lowerBound
                    while offset < piece.upperBound {
                        guard let (_, consumed) = try? parser.parse(UnsafeBufferPointer(rebasing: all[offset..<piece.upperBound])), consumed > 0 else { return }
                        offset += consumed
                    }
                }
            }
        }
    }
}
