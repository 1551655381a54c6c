import CEpoll
import Crest
import Glibc

/// One closed-loop client: one kept-alive HTTP/1.1 connection on the event loop, plain or TLS,
/// one request at a time. It writes the request, parses the response as bytes arrive, takes the
/// first-token and end times on the loop thread as it reads, and hands the finished request to its
/// generator.
final class LoadClient: SocketHandler, GeneratorClient {
    /// Bytes read from one socket before the loop gets its turn back (four full buffers).
    private static let bytesPerWake = 1 << 20

    let index: Int
    private unowned let generator: LoadGenerator
    private var descriptor: Int32 = -1
    /// The connection's bytes, once it is connected: the socket, or TLS over it.
    private var channel: ConnectionChannel?
    private var isConnecting = false
    /// TLS only: the unfinished write (the handshake, at first) waits for the socket to be
    /// readable, or the unfinished read for it to be writable.
    private var writeWaitsForReadable = false
    private var readWaitsForWritable = false
    /// A response already came over this connection: it was kept alive, so a failure before any
    /// byte of the next response may only mean the server closed it meanwhile.
    private var hasServedResponse = false
    private var outgoing: [UInt8] = []
    private var written = 0
    /// What epoll watches the socket for, so that it is changed only when it must be (a syscall).
    private var watchesWritable = false
    private var responseParser = HTTPResponseParser()
    private var reader: ResponseReader
    private(set) var request: RequestInFlight?
    var pauseTimer: Int?

    init(index: Int, generator: LoadGenerator) {
        self.index = index
        self.generator = generator
        reader = ResponseReader(endpoint: generator.endpoint, limits: generator.limits)
    }

    func send(_ request: RequestInFlight) {
        self.request = request
        outgoing = generator.requestBytes(for: request)
        written = 0
        responseParser.reset()
        reader = ResponseReader(endpoint: generator.endpoint, limits: generator.limits)
        if descriptor < 0 { connect() } else { flush() }
    }

    func timedOut(_ expiry: RequestExpiry) {
        guard let timedOut = request else { return }
        closeSocket()
        finish(reader.failed(timedOut, expiry.fault, reason: expiry.reason, at: expiry.at))
    }

    /// Closes the connection, abandoning any request on it (the end of a sweep).
    func close() {
        closeSocket()
        request = nil
    }

    // MARK: - Socket events

    func socketReady(_ events: UInt32) {
        if isConnecting {
            guard events & (EPOLLOUT.rawValue | EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 else { return }
            isConnecting = false
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length)
            guard error == 0 else { return connectFailed(SocketError.system("connect", error)) }
            request?.connectingSince = nil
            guard openChannel() else { return }
            flush()
            return
        }
        let readable = events & (EPOLLIN.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0
        let writable = events & EPOLLOUT.rawValue != 0
        if written < outgoing.count, writable || (readable && writeWaitsForReadable) { flush() }
        // Over TLS nothing is read before the request is written: the handshake is in the write.
        guard descriptor >= 0, let channel, channel.shortReadDrains || written >= outgoing.count else { return }
        if readable || (writable && readWaitsForWritable) { readAvailable() }
    }

    /// The connection is up: over TLS, its session starts (the handshake runs in the first write).
    private func openChannel() -> Bool {
        guard let context = generator.tlsContext else {
            channel = .plain(descriptor)
            return true
        }
        do {
            channel = .tls(try TLSConnection(client: context, descriptor: descriptor, host: generator.endpoint.host))
            return true
        } catch {
            closeSocket()
            fail(.tlsFailure, reason: "\(error)")
            return false
        }
    }

    private func connect() {
        do {
            descriptor = try generator.address.connectNonBlocking()
        } catch SocketError.system(let call, let code) where call == "socket" && SocketError.isOutOfDescriptors(code) {
            // The client's own limit, not the endpoint's failure: the level cannot be measured.
            request = nil
            return generator.ranOutOfDescriptors(SocketError.system(call, code))
        } catch {
            return connectFailed(error)
        }
        request?.connectingSince = generator.loop.now
        isConnecting = true
        hasServedResponse = false
        watchesWritable = true
        generator.loop.register(descriptor, events: EPOLLIN.rawValue | EPOLLOUT.rawValue, handler: self)
    }

    private func flush() {
        guard let channel else { return }
        while written < outgoing.count {
            let result = outgoing.withUnsafeBytes { channel.write(UnsafeRawBufferPointer(rebasing: $0[written...])) }
            switch result {
            case .transferred(let count):
                written += count
            case .wantsWrite:
                writeWaitsForReadable = false
                return watch(writable: true)
            case .wantsRead:
                writeWaitsForReadable = true
                return watch(writable: readWaitsForWritable)
            case .closed:
                return connectionBroke("the endpoint closed the connection", .connectionClosed)
            case .failed(let reason):
                return connectionBroke(reason, .connectionReset)
            case .tlsFailed(let reason):
                return connectionBroke(reason, .tlsFailure)
            case .certificateRejected(let reason):
                return certificateRejected(reason)
            }
        }
        writeWaitsForReadable = false
        outgoing = []
        watch(writable: readWaitsForWritable)
    }

    private func watch(writable: Bool) {
        guard writable != watchesWritable else { return }
        watchesWritable = writable
        generator.loop.modify(descriptor, events: writable ? EPOLLIN.rawValue | EPOLLOUT.rawValue : EPOLLIN.rawValue)
    }

    private func readAvailable() {
        let buffer = generator.readBuffer
        var bytesRead = 0
        while descriptor >= 0, let channel {
            switch channel.read(into: buffer) {
            case .transferred(let count):
                if readWaitsForWritable {
                    readWaitsForWritable = false
                    watch(writable: written < outgoing.count && !writeWaitsForReadable)
                }
                consume(UnsafeBufferPointer(start: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), count: count))
                // epoll is level-triggered: if more is waiting it says so again, so a short plain
                // read ends the loop without the extra read() that would only return EAGAIN, and a
                // socket that never runs dry (a stream at loopback speed) gives the loop back after
                // a megabyte, for its timers and its other sockets.
                bytesRead += count
                if channel.shortReadDrains && count < buffer.count { return }
                if bytesRead >= Self.bytesPerWake { return readSoonIfBuffered() }
            case .wantsRead:
                return
            case .wantsWrite:
                readWaitsForWritable = true
                return watch(writable: true)
            case .closed:
                return connectionClosedByPeer()
            case .failed(let reason):
                return connectionBroke(reason, .connectionReset)
            case .tlsFailed(let reason):
                return connectionBroke(reason, .tlsFailure)
            case .certificateRejected(let reason):
                return certificateRejected(reason)
            }
        }
    }

    /// The endpoint is not who it should be, or not trusted: a failure no resend can mend.
    private func certificateRejected(_ reason: String) {
        closeSocket()
        request?.certificateRejected = true
        fail(.tlsFailure, reason: reason)
    }

    /// The connection could not be opened: refused (nothing listens there), or another reason.
    private func connectFailed(_ error: Error) {
        closeSocket()
        let refused: Bool
        if case SocketError.system(_, let code) = error { refused = code == ECONNREFUSED } else { refused = false }
        fail(refused ? .connectionRefused : .connectFailed, reason: "cannot connect: \(error)")
    }

    /// TLS may hold decrypted bytes epoll cannot see: read them on the loop's next turn.
    private func readSoonIfBuffered() {
        guard channel?.hasBufferedInput == true else { return }
        let connection = descriptor
        generator.loop.schedule(at: generator.loop.now) { [weak self] in
            guard let self, descriptor == connection else { return }
            readAvailable()
        }
    }

    // MARK: - Responses

    private func consume(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard request != nil else {
            // Bytes with no request outstanding: the server broke the protocol; start afresh.
            closeSocket()
            return
        }
        let time = generator.loop.now
        // The timeout holds however fast bytes arrive: the sweep of deadlines runs on a timer,
        // which a socket that is always readable could keep from its turn.
        if time >= request!.deadline { return timedOut(generator.requestTimeoutExpiry(of: request!)) }
        generator.readDelayed(by: time - generator.loop.lastWake)
        request!.lastByteAt = time
        reader.received(bytes.count, into: &request!)
        var ended = false
        do {
            try responseParser.parse(
                bytes, head: { head in request!.head = head },
                body: { piece in
                    if reader.read(piece, at: time, into: &request!, eventParsed: generator.eventParsed) {
                        generator.firstTokenArrived(request!, by: self, at: time)
                    }
                },
                end: { ended = true })
        } catch {
            closeSocket()
            return fail(.malformedHTTP, reason: "the HTTP response is malformed: \(error)")
        }
        if let reason = reader.cutOffReason {
            closeSocket()
            return fail(reader.cutOffFault, reason: reason)
        }
        guard ended else { return }
        if request?.head?.closesConnection == true { closeSocket() }
        hasServedResponse = true
        complete(at: time)
    }

    private func complete(at time: Int64) {
        guard let request else { return }
        finish(reader.finish(request, at: time))
    }

    private func connectionClosedByPeer() {
        let time = generator.loop.now
        closeSocket()
        guard request != nil else { return }
        var ended = false
        if (try? responseParser.connectionClosed(end: { ended = true })) != nil, ended { return complete(at: time) }
        connectionFailed(reason: "the endpoint closed the connection", .connectionClosed)
    }

    private func connectionBroke(_ reason: String, _ fault: Fault) {
        closeSocket()
        guard request != nil else { return }
        connectionFailed(reason: reason, fault)
    }

    /// A kept-alive connection the server had closed is not the endpoint failing: send again, once,
    /// on a new connection, keeping the original send time (the user would have waited for it).
    private func connectionFailed(reason: String, _ fault: Fault) {
        guard var retry = request else { return }
        if hasServedResponse && !retry.receivedAnything && !retry.wasResent {
            retry.wasResent = true
            send(retry)
            return
        }
        let received = retry.bytesReceived
        fail(fault, reason: received == 0 ? reason + " before any response" : reason + " after \(received) bytes of the response")
    }

    private func fail(_ fault: Fault, reason: String) {
        guard let failed = request else { return }
        finish(reader.failed(failed, fault, reason: reason, at: generator.loop.now))
    }

    private func finish(_ finished: FinishedRequest) {
        request = nil
        generator.requestFinished(finished, by: self)
    }

    private func closeSocket() {
        guard descriptor >= 0 else { return }
        channel?.shutdown()
        channel = nil
        generator.loop.deregister(descriptor)
        Glibc.close(descriptor)
        descriptor = -1
        isConnecting = false
        writeWaitsForReadable = false
        readWaitsForWritable = false
    }
}
