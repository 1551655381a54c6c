import Glibc

/// How one connection's bytes go: straight through the socket, or through TLS over it. The
/// epoll client and the server read and write through this, so each handles TLS by asking for
/// what the socket must become (readable or writable) before it tries again.
enum ConnectionChannel {
    case plain(Int32)
    case tls(TLSConnection)

    func read(into buffer: UnsafeMutableRawBufferPointer) -> ChannelTransfer {
        switch self {
        case .plain(let descriptor):
            while true {
                let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
                if count > 0 { return .transferred(count) }
                if count == 0 { return .closed }
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { return .wantsRead }
                return .failed("the connection broke: \(String(cString: strerror(errno)))")
            }
        case .tls(let connection):
            return connection.read(into: buffer)
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> ChannelTransfer {
        switch self {
        case .plain(let descriptor):
            while true {
                let count = Glibc.write(descriptor, bytes.baseAddress, bytes.count)
                if count >= 0 { return .transferred(count) }
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { return .wantsWrite }
                return .failed("the connection broke: \(String(cString: strerror(errno)))")
            }
        case .tls(let connection):
            return connection.write(bytes)
        }
    }

    /// True when a read shorter than the buffer proves nothing is left to read until epoll says
    /// so: a plain socket's. A TLS read returns one record at a time, so TLS reads go on until
    /// they would block.
    var shortReadDrains: Bool {
        if case .plain = self { return true }
        return false
    }

    /// Bytes already read from the socket but not yet by the caller (TLS only), which epoll cannot report.
    var hasBufferedInput: Bool {
        if case .tls(let connection) = self { return connection.hasBufferedInput }
        return false
    }

    /// Ends TLS politely where it can; the caller closes the descriptor.
    func shutdown() {
        if case .tls(let connection) = self { connection.shutdown() }
    }
}

/// What a read or write on a channel did.
enum ChannelTransfer: Equatable {
    case transferred(Int)
    /// Try again once the socket is readable.
    case wantsRead
    /// Try again once the socket is writable.
    case wantsWrite
    /// The peer ended the stream.
    case closed
    /// The connection failed, for the reason given (a whole phrase: "the connection broke: ...",
    /// "the TLS handshake with ... failed: ...").
    case failed(String)
    /// TLS itself failed (a handshake the peer does not speak, a protocol error), for the reason given.
    case tlsFailed(String)
    /// TLS refused the peer's certificate (untrusted, expired, for another host), for the reason given.
    case certificateRejected(String)
}
