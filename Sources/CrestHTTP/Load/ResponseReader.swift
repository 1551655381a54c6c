import Crest
import CrestAWS

/// What a client does with a response, whichever transport carried it: streamed events go through
/// the API's reader as they arrive (the first one with generated text is the first token); an
/// unstreamed or failed body is kept and read at the end; the end gives the outcome.
///
/// A 2xx response is a success only when it is the API's answer and generated something (see
/// `Outcome.ok`); the reader also holds the client's hard limits on a response (`ResponseLimits`).
struct ResponseReader {
    /// How much of a streamed body is kept, to show should it turn out not to be an answer.
    private static let streamedBodyKept = 512

    private let endpoint: LiveEndpoint
    private let limits: ResponseLimits
    private var events: ServerSentEventParser
    /// The AWS event-stream frames of a Bedrock or SageMaker stream (SageMaker's PayloadParts then
    /// carry the container's own server-sent events, which `events` reads).
    private var frames = EventStreamDecoder()
    /// Set once a frame could not be read: nothing after it can be.
    private var framesBroke = false
    /// Why the response must be cut off, once it has passed a hard limit, and which limit it passed.
    private(set) var cutOffReason: String?
    private(set) var cutOffFault: Fault = .responseTooLarge

    init(endpoint: LiveEndpoint, limits: ResponseLimits) {
        self.endpoint = endpoint
        self.limits = limits
        events = ServerSentEventParser(maximumEventBytes: limits.maximumEventBytes)
    }

    /// Counts `count` bytes of `request`'s response as they arrive from the socket, head and framing
    /// included; past the response limit the response must be cut off.
    mutating func received(_ count: Int, into request: inout RequestInFlight) {
        request.receivedAnything = true
        request.bytesReceived += count
        if request.bytesReceived > limits.maximumResponseBytes, cutOffReason == nil {
            cutOffReason = "the response passed \(Self.size(limits.maximumResponseBytes)), the client's limit"
        }
    }

    /// Reads a piece of `request`'s body that arrived at `time`; `eventParsed` is told of each
    /// streamed event. Returns true when the piece brought the request's first token.
    mutating func read(
        _ piece: UnsafeBufferPointer<UInt8>, at time: Int64, into request: inout RequestInFlight, eventParsed: () -> Void
    ) -> Bool {
        guard cutOffReason == nil else { return false }
        let isStreamedSuccess = endpoint.streaming && (200..<300).contains(request.head?.status ?? 0)
        guard isStreamedSuccess else {
            if request.body.count + piece.count > limits.maximumBodyBytes {
                cutOffReason = "the body passed \(Self.size(limits.maximumBodyBytes)), the most the client reads as one answer"
                return false
            }
            request.body.append(contentsOf: piece)
            return false
        }
        if request.body.count < Self.streamedBodyKept {
            request.body.append(contentsOf: piece.prefix(Self.streamedBodyKept - request.body.count))
        }
        var broughtFirstToken = false
        if endpoint.api.streamsEventFrames {
            broughtFirstToken = readFrames(piece, at: time, into: &request, eventParsed: eventParsed)
        } else {
            broughtFirstToken = readEvents(piece, api: endpoint.api, at: time, into: &request, eventParsed: eventParsed)
        }
        if events.hasOverflowed {
            cutOffReason = "a server-sent event passed \(Self.size(limits.maximumEventBytes)), the client's limit"
            cutOffFault = .oversizedEvent
        } else if request.reading.tokenEvents > limits.maximumTokenEvents {
            cutOffReason = "the stream passed \(limits.maximumTokenEvents) events with generated text, the client's limit"
        }
        return broughtFirstToken
    }

    /// Server-sent events of `api` in `piece`; true when one brought the first token.
    private mutating func readEvents(
        _ piece: UnsafeBufferPointer<UInt8>, api: APIKind, at time: Int64, into request: inout RequestInFlight, eventParsed: () -> Void
    ) -> Bool {
        var broughtFirstToken = false
        events.parse(piece) { event in
            eventParsed()
            let before = (answers: request.reading.answerEvents, recounts: request.reading.recounts)
            if api.read(event, into: &request.reading), Self.tokenArrived(at: time, in: &request) { broughtFirstToken = true }
            Self.noteAnswer(at: time, in: &request, before: before)
            if request.turn != nil, let text = api.answerText(inEvent: event.data) { request.reply += text }
        }
        return broughtFirstToken
    }

    /// AWS event-stream frames in `piece`: Converse events for Bedrock; for SageMaker, the
    /// container's stream carried in PayloadParts. True when one brought the first token.
    private mutating func readFrames(
        _ piece: UnsafeBufferPointer<UInt8>, at time: Int64, into request: inout RequestInFlight, eventParsed: () -> Void
    ) -> Bool {
        guard !framesBroke else { return false }
        let messages: [EventStreamMessage]
        do {
            messages = try frames.feed(piece)
        } catch {
            framesBroke = true
            if request.reading.problem == nil { request.reading.problem = error.description }
            return false
        }
        let api = endpoint.api
        var broughtFirstToken = false
        for message in messages {
            guard let container = api.containerAPI else {
                eventParsed()
                let before = (answers: request.reading.answerEvents, recounts: request.reading.recounts)
                if api.readConverse(message, into: &request.reading), Self.tokenArrived(at: time, in: &request) { broughtFirstToken = true }
                Self.noteAnswer(at: time, in: &request, before: before)
                if request.turn != nil, let text = api.answerText(inConverse: message) { request.reply += text }
                continue
            }
            if api.recordedException(message, into: &request.reading) { continue }
            guard message.eventType == "PayloadPart" else { continue }
            let carried = message.payload.withUnsafeBufferPointer { payload in
                readEvents(payload, api: container, at: time, into: &request, eventParsed: eventParsed)
            }
            broughtFirstToken = broughtFirstToken || carried
        }
        return broughtFirstToken
    }

    /// Records when the answer proper began: at the first answer event, or at the first after a
    /// `</think>` recounted the earlier ones as reasoning.
    private static func noteAnswer(at time: Int64, in request: inout RequestInFlight, before: (answers: Int, recounts: Int)) {
        let reading = request.reading
        if reading.answerEvents == 0 {
            request.firstAnswerAt = nil
        } else if before.answers == 0 || reading.recounts != before.recounts {
            request.firstAnswerAt = time
        }
    }

    /// Records a token that arrived at `time`; true when it is the first.
    private static func tokenArrived(at time: Int64, in request: inout RequestInFlight) -> Bool {
        defer { request.lastTokenAt = time }
        if let last = request.lastTokenAt {
            // Chunks read together share one timestamp: a gap of 0, as the client saw it.
            request.interTokenGaps.append(time - last)
            return false
        }
        request.firstTokenAt = time
        return true
    }

    /// `request`'s end at `time`: the outcome its status and body say.
    func finish(_ request: RequestInFlight, at time: Int64) -> FinishedRequest {
        var finished = request
        guard let head = finished.head else { return failed(finished, .malformed, fault: .malformedHTTP, reason: "no response head", at: time) }
        switch head.status {
        case 200..<300:
            if !endpoint.streaming { finished.reading = endpoint.api.readBody(finished.body) }
            let (outcome, fault, reason) = judge(finished, head: head)
            if outcome == .ok {
                return FinishedRequest(request: finished, outcome: .ok, fault: nil, finishedAt: time, retryAfterSeconds: nil, reason: nil)
            }
            return failed(finished, outcome, fault: fault, reason: reason, at: time)
        case 300..<400:
            return failed(finished, .http3xx, reason: "Crest follows no redirect: point --url at the address the endpoint names", at: time)
        case 429:
            return failed(finished, .http429, reason: nil, at: time, retryAfterSeconds: head.retryAfterSeconds)
        case SageMakerModelError.status where endpoint.api.awsService == "sagemaker" && SageMakerModelError.matches(head):
            let (outcome, reason) = SageMakerModelError.outcome(body: finished.body)
            if outcome == .http4xx, ContextExceeded.matches(finished.body) { return failed(finished, .contextExceeded, reason: reason, at: time) }
            return failed(finished, outcome, reason: reason, at: time, retryAfterSeconds: outcome == .http429 ? head.retryAfterSeconds : nil)
        case 400..<500:
            let fault: Fault? = ContextExceeded.matches(finished.body) ? .contextExceeded : nil
            return failed(finished, .http4xx, fault: fault, reason: nil, at: time)
        case 500..<600: return failed(finished, .http5xx, reason: nil, at: time)
        default: return failed(finished, .malformed, fault: .malformedHTTP, reason: "HTTP status \(head.status) is no final answer", at: time)
        }
    }

    /// `request` ended as `outcome`, which is a failure, at `time`: `fault` names it more finely
    /// where it can, `reason` says why where its status alone does not.
    func failed(
        _ request: RequestInFlight, _ outcome: Outcome, fault: Fault? = nil, reason: String?, at time: Int64, retryAfterSeconds: Double? = nil
    ) -> FinishedRequest {
        FinishedRequest(request: request, outcome: outcome, fault: fault, finishedAt: time, retryAfterSeconds: retryAfterSeconds, reason: reason)
    }

    /// `request` ended in `fault` at `time`, for `reason`.
    func failed(_ request: RequestInFlight, _ fault: Fault, reason: String, at time: Int64) -> FinishedRequest {
        failed(request, fault.outcome, fault: fault, reason: reason, at: time)
    }

    /// What a 2xx response counts as, with its fault and why when it is not a success.
    private func judge(_ request: RequestInFlight, head: HTTPResponseHead) -> (Outcome, Fault?, String?) {
        let reading = request.reading
        if let exception = reading.exception {
            let reason = "the stream carried AWS's \(exception.name)" + (exception.message.map { ": \($0)" } ?? "")
            // AWS's throttling, mid-stream, is the endpoint refusing load like a 429.
            if exception.name.lowercased().hasPrefix("throttling") { return (.http429, nil, reason) }
            if ContextExceeded.matches(Array((exception.message ?? "").utf8)) { return (.http4xx, .contextExceeded, reason) }
            return (.http5xx, .errorEvent, reason)
        }
        if reading.isError {
            // llama.cpp has sent a prompt too long as an error in a 200's stream.
            if ContextExceeded.matches(request.body) {
                return (.http4xx, .contextExceeded, "the endpoint's error says the request is longer than the model's context")
            }
            return (.http5xx, .errorEvent, endpoint.streaming ? "the stream carried an error event" : "the 2xx response's JSON is an error object")
        }
        if endpoint.streaming, endpoint.api.streamsEventFrames, !framesBroke {
            do { try frames.finish() } catch { return (.malformed, .malformedEventStream, error.description) }
        }
        if endpoint.streaming {
            let strayLines = events.strayLines + (events.endsInStrayLine ? 1 : 0)
            if strayLines > 0 {
                if head.fields["content-type"]?.lowercased().contains("json") == true {
                    return (.malformed, .malformedEventStream, "the response is JSON, not the event stream a streamed request asks for (does the endpoint stream? --no-stream asks for whole answers)")
                }
                return (.malformed, .malformedEventStream, "the body is not an event stream (\(strayLines) line\(strayLines == 1 ? "" : "s") of no event-stream field)")
            }
            if let problem = reading.problem { return (.malformed, framesBroke ? .malformedEventStream : .malformedJSON, problem) }
            if reading.dataEvents == 0 { return (.malformed, .malformedEventStream, "the event stream held no event with data (at most [DONE])") }
            if events.endsInsideEvent {
                return (.malformed, .malformedEventStream, "the stream ended inside an event: its last event was cut short")
            }
        } else if let problem = reading.problem {
            return (.malformed, .malformedJSON, problem)
        }
        if !reading.generatedAnything {
            return (.emptyCompletion, nil, "the answer carried no generated text, and no usage block counted a completion token")
        }
        return (.ok, nil, nil)
    }

    private static func size(_ bytes: Int) -> String {
        bytes >= 1 << 20 ? "\(bytes >> 20) MiB" : bytes >= 1 << 10 ? "\(bytes >> 10) KiB" : "\(bytes) bytes"
    }
}
