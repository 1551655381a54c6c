/// How a handler answers one request: a whole response, or a stream of chunks.
public final class HTTPResponseWriter {
    private let connection: ServerConnection
    private var isStreaming = false
    private var hasEnded = false

    init(connection: ServerConnection) { self.connection = connection }

    public var loop: EventLoop { connection.loop }

    /// False once the client has gone or the response has ended: stop producing.
    public var isOpen: Bool { connection.isOpen && !hasEnded }

    /// Sends a whole response.
    public func send(status: Int, contentType: String = "application/json", body: [UInt8], fields: [String: String] = [:]) {
        guard isOpen else { return }
        var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n"
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        connection.write(Array((head + "\r\n").utf8) + body)
        hasEnded = true
        connection.responseEnded()
    }

    /// Starts a chunked response (server-sent events by default).
    public func startStream(status: Int = 200, contentType: String = "text/event-stream") {
        guard isOpen, !isStreaming else { return }
        isStreaming = true
        let head = "HTTP/1.1 \(status) \(Self.reason(status))\r\nContent-Type: \(contentType)\r\nCache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n\r\n"
        connection.write(Array(head.utf8))
    }

    /// Sends one chunk of a streamed response.
    public func sendChunk(_ bytes: [UInt8]) {
        guard isOpen, isStreaming, !bytes.isEmpty else { return }
        connection.write(Array((String(bytes.count, radix: 16) + "\r\n").utf8) + bytes + [13, 10])
    }

    /// Ends a streamed response.
    public func endStream() {
        guard isOpen, isStreaming else { return }
        connection.write(Array("0\r\n\r\n".utf8))
        hasEnded = true
        connection.responseEnded()
    }

    /// Drops the connection without finishing the response (a broken stream, for fault injection).
    public func abort() {
        hasEnded = true
        connection.close()
    }

    /// Resets the connection (an RST, not a FIN), dropping whatever is unsent: a crashed or
    /// killed server, for fault injection.
    public func reset() {
        hasEnded = true
        connection.reset()
    }

    /// Writes `bytes` as they are, with no HTTP framing, then closes the connection once they are
    /// sent: a response that is not HTTP, for fault injection.
    public func sendRawAndClose(_ bytes: [UInt8]) {
        guard isOpen else { return }
        hasEnded = true
        connection.closeAfterWriting(bytes)
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 400: return "Bad Request"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 503: return "Service Unavailable"
        default: return "Status"
        }
    }
}
