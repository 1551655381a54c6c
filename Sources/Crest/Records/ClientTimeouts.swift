/// A live client's timeouts besides the whole request's: each ends a request sooner than the
/// request timeout would, for a fault of its own (`Fault.connectTimeout`, `.firstTokenTimeout`,
/// `.streamStalled`), so a dead host or a hung stream is named for what it is and does not hold a
/// client for the whole request timeout.
public struct ClientTimeouts: Sendable, Equatable {
    /// From starting to connect to the connection being open.
    public var connectSeconds: Double
    /// From sending to the first token (for an unstreamed answer, its first byte); nil for none
    /// but the request timeout (a queue under overload legitimately delays the first token).
    public var firstTokenSeconds: Double?
    /// The longest silence of a stream after its first token; nil for none.
    public var stallSeconds: Double?

    public init(connectSeconds: Double, firstTokenSeconds: Double? = nil, stallSeconds: Double? = nil) {
        self.connectSeconds = connectSeconds
        self.firstTokenSeconds = firstTokenSeconds
        self.stallSeconds = stallSeconds
    }

    /// 10 s to connect (a loopback or datacentre connection takes milliseconds; a SYN lost to a
    /// full backlog is retried after 1 s and 3 s), no first-token timeout, and a minute of silence
    /// mid-stream: no engine pauses a running stream that long (a preempted vLLM sequence is
    /// recomputed in seconds).
    public static let standard = ClientTimeouts(connectSeconds: 10, firstTokenSeconds: nil, stallSeconds: 60)
}
