import CEpoll
import Glibc
import Synchronization

/// Answers requests on the server's loop thread.
public protocol HTTPRequestHandler: AnyObject {
    /// Respond through `response`, now or later (timers on `response.loop`); check
    /// `response.isOpen` before writing later, as the client may have gone.
    func handle(_ request: HTTPServerRequest, response: HTTPResponseWriter)
}

/// A small HTTP/1.1 server on the event loop, plain or TLS: kept-alive connections, one request at
/// a time per connection, responses whole or streamed in chunks. It serves the simulator (`crest serve`) and
/// the scripted endpoints of the tests. Everything after `init` happens on the loop's thread.
///
/// It holds its own against clients that misbehave: a connection idle for `idleTimeout`, or whose
/// request has not arrived whole `requestTimeout` after its first byte (a slowloris client sending
/// a byte at a time), is closed; at the open-files limit it stops accepting for a moment rather
/// than retrying a failing accept in a spin.
public final class HTTPServer: SocketHandler, @unchecked Sendable {
    /// How often connections are checked against their deadlines.
    private static let sweepNanoseconds: Int64 = 250_000_000
    /// How long accepting pauses when the process has no file descriptor left.
    private static let acceptPauseNanoseconds: Int64 = 100_000_000

    public let loop: EventLoop
    /// The port it listens on (the kernel's choice when asked for port 0).
    public let port: Int
    /// A connection with no request in progress is closed after this long.
    public let idleTimeout: Double
    /// A request must arrive whole within this long of its first byte.
    public let requestTimeout: Double
    /// The TLS settings of every connection, for an https server.
    public let tls: TLSContext?
    private let handler: HTTPRequestHandler
    private let listener: Int32
    private var connections: [Int32: ServerConnection] = [:]
    private let accepted = Atomic<Int>(0)
    private let timedOut = Atomic<Int>(0)
    private var isAccepting = true
    /// One read buffer for every connection: the loop reads one socket at a time.
    fileprivate let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)

    /// How many connections the server has accepted so far (readable from any thread).
    public var acceptedConnections: Int { accepted.load(ordering: .relaxed) }
    /// How many connections it closed for being idle or slow (readable from any thread).
    public var timedOutConnections: Int { timedOut.load(ordering: .relaxed) }

    /// Listens on `host:port`; call from any thread before the loop serves anything.
    /// - Parameter tls: for https, the server's certificate and key; nil for plain http.
    public init(
        loop: EventLoop, handler: HTTPRequestHandler, host: String = "127.0.0.1", port: Int = 0, idleTimeout: Double = 60,
        requestTimeout: Double = 10, tls: TLSContext? = nil
    ) throws {
        ignoreBrokenPipes()
        OpenFileLimit.raise()
        self.loop = loop
        self.handler = handler
        self.idleTimeout = idleTimeout
        self.requestTimeout = requestTimeout
        self.tls = tls
        listener = try SocketAddress.resolve(host: host, port: port).listen()
        self.port = boundPort(of: listener)
        loop.execute { [self] in
            loop.register(listener, events: EPOLLIN.rawValue, handler: self)
            scheduleSweep()
        }
    }

    public func socketReady(_ events: UInt32) {
        while isAccepting {
            let descriptor = accept(listener, nil, nil)
            guard descriptor >= 0 else {
                if SocketError.isOutOfDescriptors(errno) { pauseAccepting() }
                return
            }
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            setNoDelay(descriptor)
            accepted.add(1, ordering: .relaxed)
            // The handshake runs inside the connection's first read.
            guard let channel = try? tls.map({ ConnectionChannel.tls(try TLSConnection(server: $0, descriptor: descriptor)) })
                ?? .plain(descriptor) else {
                Glibc.close(descriptor)
                continue
            }
            let connection = ServerConnection(descriptor: descriptor, channel: channel, server: self)
            connections[descriptor] = connection
            loop.register(descriptor, events: EPOLLIN.rawValue, handler: connection)
        }
    }

    /// No descriptor is left for a new connection: the listener stays readable, and a
    /// level-triggered loop would call back at once, forever. Stop watching it for a moment;
    /// waiting clients stay in the backlog, and connections that close free descriptors.
    private func pauseAccepting() {
        isAccepting = false
        loop.deregister(listener)
        loop.schedule(at: loop.now + Self.acceptPauseNanoseconds) { [self] in
            isAccepting = true
            loop.register(listener, events: EPOLLIN.rawValue, handler: self)
        }
    }

    /// Closes connections past their deadline, and runs again.
    private func scheduleSweep() {
        loop.schedule(at: loop.now + Self.sweepNanoseconds) { [self] in
            let now = loop.now
            for connection in connections.values where connection.isPastDeadline(now) {
                timedOut.add(1, ordering: .relaxed)
                connection.close()
            }
            scheduleSweep()
        }
    }

    func dispatch(_ request: HTTPServerRequest, on connection: ServerConnection) {
        handler.handle(request, response: HTTPResponseWriter(connection: connection))
    }

    func closed(_ descriptor: Int32) { connections[descriptor] = nil }

    deinit { readBuffer.deallocate() }
}

/// One accepted connection: parses requests, writes responses, buffers what the socket will not
/// take at once.
final class ServerConnection: SocketHandler {
    /// Reads from one connection before the loop gets its turn back, so one fast client cannot hold it.
    private static let readsPerWake = 16

    private let descriptor: Int32
    private let channel: ConnectionChannel
    private unowned let server: HTTPServer
    private var parser = HTTPRequestParser()
    private var pendingOutput: [UInt8] = []
    private var isResponding = false
    private(set) var isOpen = true
    private var closeAfterResponse = false
    /// When the connection must have a request: idle since it opened or since its last response,
    /// or (sooner) whole since the request's first byte. Nil while a response is in progress.
    private var deadline: Int64?
    private var requestStarted = false
    /// TLS only: pending output waits for the socket to be readable, or a read for it to be writable.
    private var writeWaitsForReadable = false
    private var readWaitsForWritable = false

    init(descriptor: Int32, channel: ConnectionChannel, server: HTTPServer) {
        self.descriptor = descriptor
        self.channel = channel
        self.server = server
        deadline = server.loop.now + Int64(server.idleTimeout * 1e9)
    }

    /// True when the connection has waited too long for a request.
    func isPastDeadline(_ now: Int64) -> Bool {
        guard let deadline, !isResponding else { return false }
        return now >= deadline
    }

    var loop: EventLoop { server.loop }

    func socketReady(_ events: UInt32) {
        let readable = events & (EPOLLIN.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0
        let writable = events & EPOLLOUT.rawValue != 0
        if writable || (readable && writeWaitsForReadable) { flush() }
        if isOpen && (readable || (writable && readWaitsForWritable)) { readAvailable() }
    }

    private func readAvailable() {
        let buffer = server.readBuffer
        let bytes = UnsafeBufferPointer(start: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), count: buffer.count)
        var reads = 0
        while isOpen && reads < Self.readsPerWake {
            let count: Int
            switch channel.read(into: buffer) {
            case .transferred(let transferred): count = transferred
            case .wantsRead: return
            case .wantsWrite:
                readWaitsForWritable = true
                return watchWritable(true)
            case .closed, .failed, .tlsFailed, .certificateRejected: return close()
            }
            reads += 1
            if readWaitsForWritable {
                readWaitsForWritable = false
                watchWritable(!pendingOutput.isEmpty && !writeWaitsForReadable)
            }
            if !requestStarted {
                requestStarted = true
                deadline = min(deadline ?? .max, server.loop.now + Int64(server.requestTimeout * 1e9))
            }
            var offset = 0
            while offset < count, isOpen {
                let parsed: (request: HTTPServerRequest?, consumed: Int)
                do {
                    parsed = try parser.parse(UnsafeBufferPointer(rebasing: bytes[offset..<count]))
                } catch {
                    // What was wrong, in the status a client can act on: 413 and 431 for sizes, else 400.
                    let status: String
                    switch error as? HTTPParseError {
                    case .bodyTooLarge: status = "413 Content Too Large"
                    case .headTooLarge: status = "431 Request Header Fields Too Large"
                    default: status = "400 Bad Request"
                    }
                    write(Array("HTTP/1.1 \(status)\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8))
                    closeAfterResponse = true
                    return flushThenMaybeClose()
                }
                offset += parsed.consumed
                if let request = parsed.request {
                    isResponding = true
                    requestStarted = offset < count
                    deadline = nil
                    if request.fields["connection"]?.lowercased() == "close" { closeAfterResponse = true }
                    server.dispatch(request, on: self)
                }
            }
            // Level-triggered epoll reports any rest again: a short plain read needs no EAGAIN read
            // after it. (TLS reads a record at a time and goes on until it would block.)
            if channel.shortReadDrains && count < buffer.count { return }
        }
        // Stopped at the cap with decrypted bytes inside TLS, which epoll cannot report: go on next turn.
        if isOpen && channel.hasBufferedInput {
            loop.schedule(at: loop.now) { [weak self] in self?.readAvailable() }
        }
    }

    func write(_ bytes: [UInt8]) {
        guard isOpen else { return }
        if !pendingOutput.isEmpty {
            pendingOutput.append(contentsOf: bytes)
            return
        }
        pendingOutput = bytes
        flush()
    }

    /// Writes what is pending until the socket takes no more; then epoll says when it will.
    private func flush() {
        while !pendingOutput.isEmpty && isOpen {
            switch pendingOutput.withUnsafeBytes({ channel.write($0) }) {
            case .transferred(let count):
                pendingOutput.removeFirst(count)
            case .wantsWrite:
                writeWaitsForReadable = false
                return watchWritable(true)
            case .wantsRead:
                writeWaitsForReadable = true
                return watchWritable(readWaitsForWritable)
            case .closed, .failed, .tlsFailed, .certificateRejected:
                return close()
            }
        }
        guard isOpen else { return }
        writeWaitsForReadable = false
        watchWritable(readWaitsForWritable)
        if !isResponding && closeAfterResponse { close() }
    }

    /// What epoll watches the socket for, changed only when it must be (a syscall).
    private var watchesWritable = false

    private func watchWritable(_ writable: Bool) {
        guard writable != watchesWritable, isOpen else { return }
        watchesWritable = writable
        loop.modify(descriptor, events: writable ? EPOLLIN.rawValue | EPOLLOUT.rawValue : EPOLLIN.rawValue)
    }

    func responseEnded() {
        isResponding = false
        deadline = server.loop.now + Int64((requestStarted ? server.requestTimeout : server.idleTimeout) * 1e9)
        flushThenMaybeClose()
    }

    private func flushThenMaybeClose() {
        if closeAfterResponse && pendingOutput.isEmpty { close() }
    }

    /// Closes with an RST: SO_LINGER of zero makes close() drop the connection at once.
    func reset() {
        guard isOpen else { return }
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        pendingOutput = []
        close()
    }

    /// Writes `bytes`, then closes once they are sent.
    func closeAfterWriting(_ bytes: [UInt8]) {
        closeAfterResponse = true
        isResponding = false
        write(bytes)
        flushThenMaybeClose()
    }

    func close() {
        guard isOpen else { return }
        isOpen = false
        channel.shutdown()
        loop.deregister(descriptor)
        Glibc.close(descriptor)
        server.closed(descriptor)
    }
}
