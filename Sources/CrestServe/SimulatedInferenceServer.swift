import Crest
import CrestHTTP
import CrestSimulator
import Foundation

/// The simulator in real time behind an OpenAI-compatible API: `/v1/chat/completions` and
/// `/v1/completions` (streamed or whole, with the usage block), TGI's `/generate_stream` and
/// `/generate`, `/v1/models`, `/health`, and `/metrics` in Prometheus text with vLLM's gauge names.
/// Any model name is accepted and echoed. With `AWSServing`, also Bedrock's Converse and a
/// SageMaker endpoint's invocations, signed and answered as AWS does (`SimulatedInferenceServer+AWS`).
///
/// Everything runs on the server's event loop: requests arrive into the engine at the loop's
/// clock, the engine's steps are timed by loop timers at the exact times it asks for (so timer
/// lateness never accumulates), and each token goes out as one SSE event when its step ends.
public final class SimulatedInferenceServer: HTTPRequestHandler, @unchecked Sendable {
    struct OpenResponse {
        let writer: HTTPResponseWriter
        let request: GenerationRequest
        /// The answer's length as drawn: TGI's last token event carries the details.
        let plannedTokens: Int
        /// Its first tokens that are a reasoning model's thinking (0 for none).
        var reasoningTokens = 0
        var tokensSent = 0
        var sentDetails = false
        /// The fault injected into this response, if any, and whether it has struck.
        var fault: InjectedFaults.Kind?
        var faultStruck = false
    }

    public let modelName: String
    let simulation: RealTimeSimulation
    let retryAfterSeconds: Double
    /// How the AWS shapes are served; nil when they are not.
    let aws: AWSServing?
    /// Draws the AWS throttles of `AWSServing.throttleRate`.
    var throttleRandom: SeededRandom
    /// The faults injected on the OpenAI routes, and the draws that pick them.
    let injected: InjectedFaults
    var faultRandom: SeededRandom
    /// Faults injected so far, by kind (for /metrics).
    var faultsInjected: [InjectedFaults.Kind: Int] = [:]
    private(set) var loop: EventLoop!
    private var origin: Int64 = 0
    var responses: [Int: OpenResponse] = [:]
    private var scheduledWakeup: Int64?
    private var outcomes: [Outcome: Int] = [:]
    /// Requests whose client left before their answer ended.
    private var abandoned = 0

    public init(endpoint: SimulatedEndpoint, modelName: String, seed: UInt64, aws: AWSServing? = nil, faults: InjectedFaults = .none) {
        simulation = RealTimeSimulation(endpoint: endpoint, seed: seed)
        self.aws = aws
        throttleRandom = SeededRandom(seed: derivedSeed(seed, 0xA35))
        injected = faults
        faultRandom = SeededRandom(seed: derivedSeed(seed, 0xFA7))
        retryAfterSeconds = endpoint.faults.retryAfterSeconds
        self.modelName = modelName
    }

    /// Starts serving on `host:port` (port 0: any free port) on `loop`; returns the server.
    /// - Parameter tls: to serve https with this certificate and key; nil for http.
    public func listen(on loop: EventLoop, host: String = "127.0.0.1", port: Int, tls: TLSContext? = nil) throws -> HTTPServer {
        self.loop = loop
        origin = loop.now
        return try HTTPServer(loop: loop, handler: self, host: host, port: port, tls: tls)
    }

    var now: Int64 { loop.now - origin }

    public func handle(_ request: HTTPServerRequest, response: HTTPResponseWriter) {
        if aws != nil, request.path.hasPrefix("/model/") || request.path.hasPrefix("/endpoints/") { return handleAWS(request, response) }
        switch (request.method, request.path) {
        case ("POST", "/v1/chat/completions"): generate(.chat, request, response)
        case ("POST", "/v1/completions"): generate(.completions, request, response)
        case ("POST", "/generate_stream"): generate(.tgi, request, response, routeStreams: true)
        case ("POST", "/generate"): generate(.tgi, request, response)
        case ("POST", "/tokenize"): tokenize(request, response)
        case ("GET", "/v1/models"):
            response.send(status: 200, body: json(["object": "list", "data": [["id": modelName, "object": "model", "owned_by": "crest"]]]))
        case ("GET", "/health"): response.send(status: 200, body: [])
        case ("GET", "/metrics"): response.send(status: 200, contentType: "text/plain; version=0.0.4", body: Array(metrics().utf8))
        case (_, "/v1/chat/completions"), (_, "/v1/completions"), (_, "/generate_stream"), (_, "/generate"), (_, "/v1/models"),
             (_, "/health"), (_, "/metrics"), (_, "/tokenize"):
            response.send(status: 405, body: error("method \(request.method) not allowed"))
        default:
            response.send(status: 404, body: error("no route \(request.path)"))
        }
    }

    // MARK: - Generation

    func generate(
        _ kind: GenerationRequest.Kind, _ request: HTTPServerRequest, _ response: HTTPResponseWriter, routeStreams: Bool = false
    ) {
        let parsed: GenerationRequest
        do {
            parsed = try GenerationRequest(kind: kind, body: request.body, defaultModel: modelName, routeStreams: routeStreams)
        } catch {
            let message = (error as? GenerationRequestError)?.message ?? "bad request"
            if kind.isAWS { return sendAWSError(response, status: 400, exception: "ValidationException", message: message) }
            return response.send(status: 400, body: self.error(message))
        }
        let fault = drawFault(for: parsed)
        if let fault, injectAtOnce(fault, parsed, response) { return }
        if fault == .slowFirstToken {
            // The stream's head goes out now, as a queued request's would; the engine sees it later.
            if parsed.streaming { startStream(parsed, response, id: nil) }
            loop.schedule(at: loop.now + Int64(injected.firstTokenDelaySeconds * 1e9)) { [self] in
                admit(parsed, response, fault: fault, streamStarted: parsed.streaming)
            }
            return
        }
        admit(parsed, response, fault: fault, streamStarted: false)
    }

    /// Hands the request to the engine and starts its answer.
    private func admit(_ parsed: GenerationRequest, _ response: HTTPResponseWriter, fault: InjectedFaults.Kind?, streamStarted: Bool) {
        guard response.isOpen else { return }
        let (id, planned, thinking, events) = simulation.arrive(
            promptTokens: parsed.promptTokens, maxOutputTokens: parsed.maxOutputTokens, ignoreEOS: parsed.ignoreEOS, prefix: parsed.prefix, at: now)
        responses[id] = OpenResponse(writer: response, request: parsed, plannedTokens: planned, reasoningTokens: thinking, fault: fault)
        let rejected = events.contains { if case .rejected = $0.event { return true } else { return false } }
        if parsed.streaming && !rejected && !streamStarted { startStream(parsed, response, id: id) }
        deliver(events)
        scheduleWakeup()
    }

    /// Starts a streamed answer: its head, and the opening event its API sends before any token.
    /// - Parameter id: the request's id in the engine; nil while it is held back (`slowFirstToken`).
    private func startStream(_ parsed: GenerationRequest, _ response: HTTPResponseWriter, id: Int?) {
        let kind = parsed.kind
        if kind.isAWS {
            response.startStream(contentType: "application/vnd.amazon.eventstream")
            // Bedrock opens with the message's role, before the model has produced anything.
            if kind == .converse { response.sendChunk(converseEvent("messageStart", ["role": "assistant"])) }
        } else {
            response.startStream()
            if kind == .chat { response.sendChunk(sse(chunk(id ?? -1, parsed, delta: ["role": "assistant", "content": ""]))) }
        }
    }

    private func deliver(_ events: [(time: Int64, event: RealTimeSimulation.Event)]) {
        let current = now
        for (time, event) in events {
            if time <= current {
                apply(event)
            } else {
                loop.schedule(at: origin + time) { [self] in apply(event) }
            }
        }
    }

    private func scheduleWakeup() {
        guard let wakeup = simulation.nextWakeup, wakeup != scheduledWakeup else { return }
        scheduledWakeup = wakeup
        loop.schedule(at: origin + wakeup) { [self] in
            guard scheduledWakeup == wakeup else { return }
            scheduledWakeup = nil
            // The engine steps at the time it asked for, not when the timer fired: no drift.
            deliver(simulation.wake(at: wakeup))
            scheduleWakeup()
        }
    }

    private func apply(_ event: RealTimeSimulation.Event) {
        switch event {
        case .firstToken(let id), .token(let id):
            guard var open = openResponse(id), open.request.streaming else { return }
            if strikesBeforeToken(open) {
                // A fault that ends the answer drops it; the others wrote their bytes, and it goes on.
                strike(id, open)
                guard let after = responses[id] else { return }
                open = after
            }
            if open.fault == .emptyCompletion {
                // Nothing generated is shown, as an endpoint that streams only empty deltas.
                responses[id]?.tokensSent += 1
                return
            }
            sendToken(open, id: id)
        case .finished(let id, let completionTokens, let cachedTokens):
            guard var open = openResponse(id) else { return }
            if strikesAtEnd(open) {
                strike(id, open)
                guard let after = responses[id] else { return }
                open = after
            }
            responses[id] = nil
            outcomes[.ok, default: 0] += 1
            finish(open, id: id, completionTokens: completionTokens, cachedTokens: cachedTokens)
        case .rejected(let id, let outcome, _):
            guard let open = openResponse(id) else { return }
            responses[id] = nil
            outcomes[outcome, default: 0] += 1
            if open.request.kind.isAWS { return sendAWSRejection(open.writer, outcome, kind: open.request.kind) }
            switch outcome {
            case .http429:
                open.writer.send(status: 429, body: error("too many requests"), fields: ["Retry-After": NumberFormatting.significant(retryAfterSeconds)])
            case .http4xx:
                // vLLM's words, which clients (and Crest) recognise as a prompt past the context.
                let context = simulation.endpoint.contextTokens.map { "is \($0) tokens" } ?? "is exceeded"
                open.writer.send(status: 400, body: error(
                    "This model's maximum context length \(context). However, your request has \(open.request.promptTokens) input tokens. Please reduce the length of the input messages."))
            default:
                open.writer.send(status: 500, body: error("simulated server error"))
            }
        }
    }

    /// The response of request `id`, if its client is still there; a request whose client left is
    /// aborted in the engine, as vLLM aborts on disconnect.
    private func openResponse(_ id: Int) -> OpenResponse? {
        guard let open = responses[id] else { return nil }
        guard open.writer.isOpen else {
            abandoned += 1
            responses[id] = nil
            simulation.abort(request: id, at: now)
            return nil
        }
        return open
    }

    private func sendToken(_ open: OpenResponse, id: Int) {
        let index = open.tokensSent
        if open.request.kind == .tgi || open.request.kind == .sagemakerTGI {
            let isLast = index == open.plannedTokens - 1
            emit(sse(tgiTokenEvent(index: index, details: isLast ? open.plannedTokens : nil)), for: open.request, to: open.writer)
            responses[id]?.sentDetails = isLast
        } else if open.request.kind == .converse {
            open.writer.sendChunk(converseDelta(index: index))
        } else {
            open.writer.sendChunk(sse(tokenChunk(id, open.request, index: index, reasoningTokens: open.reasoningTokens)))
        }
        responses[id]?.tokensSent += 1
    }

    private func finish(_ open: OpenResponse, id: Int, completionTokens: Int, cachedTokens: Int?) {
        switch open.request.kind {
        case .tgi, .sagemakerTGI: return finishTGI(open, id: id, completionTokens: completionTokens)
        case .converse: return finishConverse(open.writer, open.request, tokensSent: open.tokensSent, completionTokens: completionTokens)
        case .chat, .completions: break
        }
        if !open.request.streaming, finishWholeWithFault(open) { return }
        let completionTokens = open.fault == .emptyCompletion ? 0 : completionTokens
        var usage: [String: Any] = ["prompt_tokens": open.request.promptTokens, "completion_tokens": completionTokens,
                                    "total_tokens": open.request.promptTokens + completionTokens]
        // As vLLM with --enable-prompt-tokens-details and OpenAI say what their prefix cache served.
        if let cachedTokens { usage["prompt_tokens_details"] = ["cached_tokens": cachedTokens] }
        if open.reasoningTokens > 0 { usage["completion_tokens_details"] = ["reasoning_tokens": min(open.reasoningTokens, completionTokens)] }
        let finishReason = completionTokens == open.request.maxOutputTokens ? "length" : "stop"
        guard open.request.streaming else {
            let text = (0..<completionTokens).map(Self.word).joined()
            let choice: [String: Any] = open.request.kind == .chat
                ? ["index": 0, "message": ["role": "assistant", "content": text], "finish_reason": finishReason]
                : ["index": 0, "text": text, "finish_reason": finishReason]
            let answer = envelope(id, open.request, choices: [choice])
            return open.writer.send(status: 200, body: json(open.fault == .noUsage ? answer : answer.merging(["usage": usage]) { $1 }))
        }
        // Tokens the model did not report one by one (none for a batching engine) go out now.
        for index in open.tokensSent..<max(open.tokensSent, completionTokens) {
            open.writer.sendChunk(sse(tokenChunk(id, open.request, index: index, reasoningTokens: open.reasoningTokens)))
        }
        let last: [String: Any] = open.request.kind == .chat
            ? ["index": 0, "delta": [String: String](), "finish_reason": finishReason] : ["index": 0, "text": "", "finish_reason": finishReason]
        open.writer.sendChunk(sse(json(envelope(id, open.request, choices: [last]))))
        if open.request.includeUsage && open.fault != .noUsage {
            open.writer.sendChunk(sse(json(envelope(id, open.request, choices: []).merging(["usage": usage]) { $1 })))
        }
        if open.fault == .truncatedSSE {
            // The stream ends inside an event: its blank line (and the rest of it) never comes.
            open.writer.sendChunk(Array("data: {\"id\":\"cmpl-crest-\(id)\",\"choi".utf8))
            return open.writer.endStream()
        }
        open.writer.sendChunk(Array("data: [DONE]\n\n".utf8))
        open.writer.endStream()
    }

    /// TGI ends a stream with the details on its last token event and no [DONE].
    private func finishTGI(_ open: OpenResponse, id: Int, completionTokens: Int) {
        guard open.request.streaming else {
            var body: [String: Any] = ["generated_text": (0..<completionTokens).map(Self.word).joined()]
            if open.request.includeUsage { body["details"] = tgiDetails(completionTokens) }
            return open.writer.send(status: 200, body: json(body))
        }
        // The request is no longer in `responses`: tokens the model did not report one by one go out here.
        for index in open.tokensSent..<max(open.tokensSent, completionTokens) {
            emit(sse(tgiTokenEvent(index: index, details: index == completionTokens - 1 ? completionTokens : nil)), for: open.request, to: open.writer)
        }
        // The engine stopped short of the drawn length (the context window): say so in a last event.
        if !open.sentDetails && open.tokensSent >= completionTokens {
            emit(sse(json(["generated_text": "", "details": tgiDetails(completionTokens)])), for: open.request, to: open.writer)
        }
        open.writer.endStream()
    }

    // MARK: - Bodies

    private func tgiTokenEvent(index: Int, details tokens: Int?) -> [UInt8] {
        var event: [String: Any] = [
            "index": index + 1, "token": ["id": index, "text": Self.word(index), "logprob": 0.0, "special": false],
            "generated_text": NSNull(), "details": NSNull(),
        ]
        if let tokens {
            event["generated_text"] = (0..<tokens).map(Self.word).joined()
            event["details"] = tgiDetails(tokens)
        }
        return json(event)
    }

    private func tgiDetails(_ tokens: Int) -> [String: Any] {
        ["finish_reason": "length", "generated_tokens": tokens, "seed": NSNull()]
    }

    private func envelope(_ id: Int, _ request: GenerationRequest, choices: [[String: Any]]) -> [String: Any] {
        let object: String
        switch (request.kind, request.streaming) {
        case (.chat, true): object = "chat.completion.chunk"
        case (.chat, false): object = "chat.completion"
        case (.completions, _), (.tgi, _), (.converse, _), (.sagemakerTGI, _): object = "text_completion"
        }
        return ["id": "cmpl-crest-\(id)", "object": object, "model": request.model, "created": 0, "choices": choices]
    }

    private func chunk(_ id: Int, _ request: GenerationRequest, delta: [String: String]) -> [UInt8] {
        json(envelope(id, request, choices: [["index": 0, "delta": delta]]))
    }

    /// Token `index` of an answer whose first `reasoningTokens` are thinking: a chat streams
    /// thinking as `reasoning_content` (vLLM's reasoning parsers), completions as `<think>` text.
    func tokenChunk(_ id: Int, _ request: GenerationRequest, index: Int, reasoningTokens: Int = 0) -> [UInt8] {
        var word = Self.word(index)
        let thinks = index < reasoningTokens
        if request.kind == .completions {
            if thinks && index == 0 { word = "<think>" + word }
            if reasoningTokens > 0 && index == reasoningTokens { word = "</think>" + word }
            return json(envelope(id, request, choices: [["index": 0, "text": word]]))
        }
        return chunk(id, request, delta: [thinks ? "reasoning_content" : "content": word])
    }

    /// The simulated text: one short word per token.
    static func word(_ index: Int) -> String {
        let words = ["the ", "model ", "writes ", "a ", "token ", "each ", "step "]
        return words[index % words.count]
    }

    func sse(_ data: [UInt8]) -> [UInt8] { Array("data: ".utf8) + data + [10, 10] }

    func json(_ object: [String: Any]) -> [UInt8] {
        Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data())
    }

    func error(_ message: String) -> [UInt8] {
        json(["error": ["message": message, "type": "invalid_request_error"], "object": "error"])
    }

    /// Prometheus text with vLLM's names, so dashboards and scrapers built for vLLM read it.
    private func metrics() -> String {
        let load = simulation.load(at: now)
        var lines = [
            "# HELP vllm:num_requests_running Requests being generated.", "# TYPE vllm:num_requests_running gauge",
            "vllm:num_requests_running \(load.running)",
            "# HELP vllm:num_requests_waiting Requests waiting to be admitted.", "# TYPE vllm:num_requests_waiting gauge",
            "vllm:num_requests_waiting \(load.waiting)",
            "# HELP vllm:kv_cache_usage_perc KV-cache usage, 1 means 100 percent.", "# TYPE vllm:kv_cache_usage_perc gauge",
            "vllm:kv_cache_usage_perc \(load.kvCacheUsage)",
            "# HELP vllm:prefix_cache_queries_total Prompt tokens looked up in the prefix cache.", "# TYPE vllm:prefix_cache_queries_total counter",
            "vllm:prefix_cache_queries_total \(simulation.counters.prefixQueryTokens)",
            "# HELP vllm:prefix_cache_hits_total Prompt tokens the prefix cache served.", "# TYPE vllm:prefix_cache_hits_total counter",
            "vllm:prefix_cache_hits_total \(simulation.counters.prefixHitTokens)",
            "# HELP crest:requests_total Requests answered, by outcome.", "# TYPE crest:requests_total counter",
        ]
        for outcome in Outcome.allCases { lines.append("crest:requests_total{outcome=\"\(outcome.rawValue)\"} \(outcomes[outcome, default: 0])") }
        lines += [
            "# HELP crest:requests_abandoned_total Requests whose client left before their answer ended.",
            "# TYPE crest:requests_abandoned_total counter", "crest:requests_abandoned_total \(abandoned)",
        ]
        lines += faultMetrics()
        return lines.joined(separator: "\n") + "\n"
    }
}
