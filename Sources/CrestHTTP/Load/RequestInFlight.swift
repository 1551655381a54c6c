import Crest

/// One request of the load generator, from the moment its client sends it to its end.
struct RequestInFlight {
    let promptIndex: Int
    /// In a session sweep, the request's turn in its client's conversation (1 for the opening
    /// prompt), and for a later turn the request it sends: the history and the prompt's follow-up.
    var turn: Int? = nil
    var turnPrompt: Prompt? = nil
    /// Which level's recorder it belongs to (`LoadGenerator`'s level count), and what that
    /// recorder said when it was sent. Nil for requests sent between levels, which no level records.
    let levelNumber: Int
    let recorded: LevelRecorder.SentRequest?
    let seq: Int
    /// Monotonic ns, taken just before the client connects or writes.
    let sentAt: Int64
    /// How late the send was: from the moment the client was free to send to `sentAt`.
    let sendLag: Int64
    /// When the request times out (monotonic ns).
    let deadline: Int64
    var head: HTTPResponseHead?
    var firstTokenAt: Int64?
    /// When the first token of the answer proper arrived, after any reasoning (`ResponseReading.answerEvents`).
    var firstAnswerAt: Int64?
    /// When the latest chunk with generated text came, and the gaps between such chunks.
    var lastTokenAt: Int64?
    var interTokenGaps: [Int64] = []
    var reading = ResponseReading()
    /// In a session sweep, the answer's text as it streamed, for the conversation's next turn.
    var reply = ""
    /// The body of an unstreamed or failed response (up to `ResponseLimits.maximumBodyBytes`); of a
    /// streamed one, only its start, to show if it turns out not to be an answer.
    var body: [UInt8] = []
    /// Bytes received for this response, head and framing included, against the response limit.
    var bytesReceived = 0
    var receivedAnything = false
    /// Resent once already because its kept-alive connection turned out to be closed.
    var wasResent = false
    /// Failed because TLS rejected the endpoint's certificate: no later request can do better.
    var certificateRejected = false
    /// While its client opens a connection for it: since when (monotonic ns), against the connect timeout.
    var connectingSince: Int64?
    /// When the latest bytes of its response arrived, against the stall timeout.
    var lastByteAt: Int64?
}

/// Why a request ran out of time: which timeout, when it expired, and the report's words for it.
struct RequestExpiry {
    let fault: Fault
    let at: Int64
    let reason: String
}

/// How a request ended, as its client saw it.
struct FinishedRequest {
    let request: RequestInFlight
    let outcome: Outcome
    /// The failure's finer category, where the outcome alone does not say.
    let fault: Fault?
    let finishedAt: Int64
    /// For a 429: how long the server asked the client to wait.
    let retryAfterSeconds: Double?
    /// For a failure: why Crest did not count it a success, where the status alone does not say.
    let reason: String?

    /// For a failure, the name the endpoint gave it: AWS's error header
    /// (`x-amzn-ErrorType: ThrottlingException:http://...`), or the exception a stream carried
    /// (`throttlingException`, named as AWS's SDKs name it, `ThrottlingException`).
    var errorName: String? {
        guard !outcome.isSuccess else { return nil }
        let given = request.head?.fields["x-amzn-errortype"].map { String($0.prefix { $0 != ":" }) } ?? request.reading.exception?.name
        guard let given, let first = given.first else { return nil }
        let name = (first.uppercased() + given.dropFirst()).filter { $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) }
        return name.isEmpty ? nil : String(name.prefix(64))
    }
}
