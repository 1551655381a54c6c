import Crest
import CrestHTTP

/// How `crest serve` injects the faults of `InjectedFaults` into its OpenAI routes' answers.
extension SimulatedInferenceServer {
    /// The gap between the token events of an endless stream.
    private static let endlessGapNanoseconds: Int64 = 10_000_000

    /// The fault drawn for a new request, if any: OpenAI routes only, one draw per request.
    func drawFault(for request: GenerationRequest) -> InjectedFaults.Kind? {
        guard !injected.isEmpty, request.kind == .chat || request.kind == .completions else { return nil }
        guard let fault = injected.fault(forDraw: faultRandom.nextUnit()) else { return nil }
        faultsInjected[fault, default: 0] += 1
        return fault
    }

    /// Answers at once for the faults that need no engine; false for the others.
    func injectAtOnce(_ fault: InjectedFaults.Kind, _ request: GenerationRequest, _ response: HTTPResponseWriter) -> Bool {
        switch fault {
        case .http400:
            response.send(status: 400, body: error("injected fault: bad request"))
        case .http429:
            response.send(status: 429, body: error("injected fault: too many requests"), fields: ["Retry-After": NumberFormatting.significant(retryAfterSeconds)])
        case .http500:
            response.send(status: 500, body: error("injected fault: server error"))
        case .malformedHTTP:
            response.sendRawAndClose(Array("HTTP/1.1 two hundred OK\r\nnot a header line\r\n\r\n".utf8))
        default:
            return false
        }
        return true
    }

    /// True when the stream of `open` must take its mid-stream fault before its next token.
    func strikesBeforeToken(_ open: OpenResponse) -> Bool {
        guard let fault = open.fault, fault.strikesMidStream, !open.faultStruck, open.request.streaming else { return false }
        return open.tokensSent >= injected.afterTokens
    }

    /// True when the stream of `open` ends before its mid-stream fault struck: it strikes at the end.
    func strikesAtEnd(_ open: OpenResponse) -> Bool {
        guard let fault = open.fault, fault.strikesMidStream, !open.faultStruck, open.request.streaming else { return false }
        return true
    }

    /// Injects `open`'s mid-stream fault. The faults that end the answer drop the request from the
    /// engine, as vLLM aborts a request whose client is gone; the others write their bad bytes and
    /// let the stream go on.
    func strike(_ id: Int, _ open: OpenResponse) {
        responses[id]?.faultStruck = true
        let writer = open.writer
        func drop() {
            responses[id] = nil
            simulation.abort(request: id, at: now)
        }
        switch open.fault {
        case .reset?:
            drop()
            writer.reset()
        case .close?:
            drop()
            writer.abort()
        case .stall?:
            // Nothing more is written, and the connection stays open until the client gives up.
            drop()
        case .endless?:
            drop()
            sendEndlessly(open.request, writer, index: open.tokensSent)
        case .malformedJSON?:
            writer.sendChunk(Array("data: {\"choices\": [{\"delta\": not JSON\n\n".utf8))
        case .malformedSSE?:
            writer.sendChunk(Array("this line is no event-stream field\n\n".utf8))
        case .hugeEvent?:
            writer.sendChunk(Array("data: ".utf8) + Array(repeating: UInt8(ascii: "x"), count: injected.hugeEventBytes) + [10, 10])
        case .errorEvent?:
            drop()
            writer.sendChunk(sse(error("injected fault: the model failed mid-stream")))
            writer.sendChunk(Array("data: [DONE]\n\n".utf8))
            writer.endStream()
        default:
            break
        }
    }

    /// Token events every 10 ms for as long as the client reads them.
    private func sendEndlessly(_ request: GenerationRequest, _ writer: HTTPResponseWriter, index: Int) {
        guard writer.isOpen else { return }
        writer.sendChunk(sse(tokenChunk(0, request, index: index)))
        loop.schedule(at: loop.now + Self.endlessGapNanoseconds) { [self] in sendEndlessly(request, writer, index: index + 1) }
    }

    /// A whole (unstreamed) answer's fault, at its end; false when the answer goes out as usual.
    func finishWholeWithFault(_ open: OpenResponse) -> Bool {
        switch open.fault {
        case .reset?: open.writer.reset()
        case .close?: open.writer.abort()
        case .stall?: break
        case .malformedJSON?: open.writer.send(status: 200, body: Array("{\"choices\": [{\"message\": not JSON".utf8))
        case .errorEvent?: open.writer.send(status: 200, body: error("injected fault: the model failed"))
        default: return false
        }
        return true
    }

    /// `crest:faults_injected_total` lines for /metrics.
    func faultMetrics() -> [String] {
        guard !injected.isEmpty else { return [] }
        var lines = ["# HELP crest:faults_injected_total Faults injected, by kind.", "# TYPE crest:faults_injected_total counter"]
        for kind in InjectedFaults.Kind.allCases { lines.append("crest:faults_injected_total{fault=\"\(kind.rawValue)\"} \(faultsInjected[kind, default: 0])") }
        return lines
    }
}
