/// The client's hard limits on one response. Past one, the response is cut off as `malformed` and
/// its connection closed: an endpoint that streams without end, or at loopback speed, must not
/// exhaust the machine's memory or hold a client past its timeout. (The time limit is the request
/// timeout, which the clients check as bytes arrive as well as on a timer.)
public struct ResponseLimits: Sendable, Equatable {
    /// Bytes of one response, head and framing included. 32,000 tokens of vLLM's events are about
    /// 8 MB; an unstreamed answer is smaller still.
    public var maximumResponseBytes: Int
    /// Bytes of one server-sent event (or one line of a stream): events are a few hundred bytes.
    public var maximumEventBytes: Int
    /// Streamed events with generated text in one response: twice the longest outputs models give
    /// today (128k tokens). Each costs the client 8 bytes of inter-token gap.
    public var maximumTokenEvents: Int
    /// Bytes of an unstreamed (or failed) body kept to be read as JSON.
    public var maximumBodyBytes: Int

    public init(
        maximumResponseBytes: Int = 64 << 20, maximumEventBytes: Int = 1 << 20, maximumTokenEvents: Int = 1 << 18,
        maximumBodyBytes: Int = 8 << 20
    ) {
        self.maximumResponseBytes = maximumResponseBytes
        self.maximumEventBytes = maximumEventBytes
        self.maximumTokenEvents = maximumTokenEvents
        self.maximumBodyBytes = maximumBodyBytes
    }

    public static let standard = ResponseLimits()
}
