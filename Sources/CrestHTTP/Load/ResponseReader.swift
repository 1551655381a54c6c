import Crest

/// What a client does with a response, whichever transport carried it: streamed events go through
/// the API's reader as they arrive (the first one with generated text is the first token); an
/// unstreamed or failed body is kept and read at the end; the end gives the outcome.
struct ResponseReader {
    private let endpoint: LiveEndpoint
    private var events = ServerSentEventParser()

    init(endpoint: LiveEndpoint) { self.endpoint = endpoint }

    /// Reads a piece of `request`'s body that arrived at `time`; `eventParsed` is told of each
    /// streamed event. Returns true when the piece brought the request's first token.
    mutating func read(
        _ piece: UnsafeBufferPointer<UInt8>, at time: Int64, into request: inout RequestInFlight, eventParsed: () -> Void
    ) -> Bool {
        let isStreamedSuccess = endpoint.streaming && (200..<300).contains(request.head?.status ?? 0)
        guard isStreamedSuccess else {
            // The first megabyte is plenty for an unstreamed answer or an error message.
            if request.body.count < 1 << 20 { request.body.append(contentsOf: piece) }
            return false
        }
        var broughtFirstToken = false
        let api = endpoint.api
        events.parse(piece) { event in
            eventParsed()
            guard api.read(event, into: &request.reading) else { return }
            if let last = request.lastTokenAt {
                // Chunks read together share one timestamp: a gap of 0, as the client saw it.
                request.interTokenGaps.append(time - last)
            } else {
                request.firstTokenAt = time
                broughtFirstToken = true
            }
            request.lastTokenAt = time
        }
        return broughtFirstToken
    }

    /// `request`'s end at `time`: the outcome its status and body say.
    func finish(_ request: RequestInFlight, at time: Int64) -> FinishedRequest {
        var finished = request
        guard let head = finished.head else {
            return FinishedRequest(request: finished, outcome: .malformed, finishedAt: time, retryAfterSeconds: nil)
        }
        let outcome: Outcome
        switch head.status {
        case 200..<300:
            if !endpoint.streaming { finished.reading = endpoint.api.readBody(finished.body) }
            outcome = finished.reading.isError ? .http5xx : finished.reading.isMalformed ? .malformed : .ok
        case 429: outcome = .http429
        case 400..<500: outcome = .http4xx
        case 500..<600: outcome = .http5xx
        default: outcome = .malformed
        }
        return FinishedRequest(request: finished, outcome: outcome, finishedAt: time, retryAfterSeconds: head.retryAfterSeconds)
    }
}
