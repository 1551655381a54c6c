/// What SigV4 signs of an HTTP request: its method, its path and query as they go on the wire
/// (percent-encoded), the host it is sent to (with the port when the URL has one), its headers
/// and its body.
public struct SigV4Request: Sendable, Equatable {
    public let method: String
    /// The path as sent, already percent-encoded (a model id's `:` is `%3A` here).
    public let path: String
    /// The query as sent, without `?`; empty when there is none.
    public let query: String
    /// The Host header's value: the host, and `:port` when the URL names a port.
    public let host: String
    public let headers: [(name: String, value: String)]
    public let body: [UInt8]
    /// The body's SHA-256 in hex, computed once: a request is signed again at each send.
    public let payloadHash: String

    public init(method: String, path: String, query: String = "", host: String, headers: [(name: String, value: String)], body: [UInt8]) {
        self.method = method
        self.path = path
        self.query = query
        self.host = host
        self.headers = headers
        self.body = body
        payloadHash = SHA256.hash(body).lowercaseHex
    }

    public static func == (lhs: SigV4Request, rhs: SigV4Request) -> Bool {
        lhs.method == rhs.method && lhs.path == rhs.path && lhs.query == rhs.query && lhs.host == rhs.host
            && lhs.headers.map(\.name) == rhs.headers.map(\.name) && lhs.headers.map(\.value) == rhs.headers.map(\.value) && lhs.body == rhs.body
    }
}
