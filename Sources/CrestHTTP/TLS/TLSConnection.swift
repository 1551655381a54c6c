import Glibc

/// TLS over one non-blocking socket (an OpenSSL `SSL`), on the event loop's thread. The handshake
/// happens inside the first reads and writes, which ask for readability or writability as the
/// socket does; the caller waits on epoll for what they ask and calls again.
final class TLSConnection {
    private let library: OpenSSLLibrary
    private let handle: OpaquePointer
    /// The peer's name, for messages.
    private let peer: String
    /// True once data went through: a failure before is the handshake's.
    private(set) var isEstablished = false

    /// A client connection to `host` (checked against the certificate; sent as SNI unless an address).
    convenience init(client context: TLSContext, descriptor: Int32, host: String) throws {
        try self.init(context: context, descriptor: descriptor, peer: host)
        library.setConnectState(handle)
        guard library.setExpectedHost(handle, host) == 1 else { throw TLSError.setup("cannot check the certificate for \(host)") }
        if !Self.isAddress(host) {
            host.withCString { name in
                _ = library.sessionControl(
                    handle, OpenSSLConstant.controlServerName, OpenSSLConstant.nameTypeHostName, UnsafeMutableRawPointer(mutating: name))
            }
        }
    }

    /// A server connection, accepted on `descriptor`.
    convenience init(server context: TLSContext, descriptor: Int32) throws {
        try self.init(context: context, descriptor: descriptor, peer: "the client")
        library.setAcceptState(handle)
    }

    private init(context: TLSContext, descriptor: Int32, peer: String) throws {
        library = context.library
        guard let handle = library.newSession(context.handle) else { throw TLSError.setup("SSL_new failed: \(library.drainErrors())") }
        self.handle = handle
        self.peer = peer
        guard library.setDescriptor(handle, descriptor) == 1 else {
            library.freeSession(handle)
            throw TLSError.setup("SSL_set_fd failed: \(library.drainErrors())")
        }
    }

    deinit { library.freeSession(handle) }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> ChannelTransfer {
        let count = library.read(handle, buffer.baseAddress, Int32(clamping: buffer.count))
        return count > 0 ? transferred(Int(count)) : failure(count)
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> ChannelTransfer {
        let count = library.write(handle, bytes.baseAddress, Int32(clamping: bytes.count))
        return count > 0 ? transferred(Int(count)) : failure(count)
    }

    /// Decrypted bytes are waiting inside OpenSSL, which epoll cannot see.
    var hasBufferedInput: Bool { library.pending(handle) > 0 }

    /// Sends close_notify if the socket takes it at once; the caller closes the socket after.
    func shutdown() {
        if isEstablished { _ = library.shutdown(handle) }
        _ = library.drainErrors()
    }

    private func transferred(_ count: Int) -> ChannelTransfer {
        isEstablished = true
        return .transferred(count)
    }

    private func failure(_ result: Int32) -> ChannelTransfer {
        let code = errno
        switch library.errorCode(handle, result) {
        case OpenSSLConstant.errorWantRead: return .wantsRead
        case OpenSSLConstant.errorWantWrite: return .wantsWrite
        case OpenSSLConstant.errorZeroReturn:
            _ = library.drainErrors()
            return .closed
        case OpenSSLConstant.errorSyscall:
            let queued = library.drainErrors()
            if code == EINTR { return .wantsRead }
            // No errno and nothing queued: the peer closed the socket (an EOF OpenSSL was told to accept).
            if code == 0 && queued.isEmpty { return .closed }
            let detail = queued.isEmpty ? String(cString: strerror(code)) : queued
            return .failed(isEstablished ? "the connection broke: \(detail)" : described(detail))
        default:
            let queued = library.drainErrors()
            let verification = library.verifyResult(handle)
            if verification != OpenSSLConstant.verifyOK, let text = library.verifyErrorText(verification) {
                return .certificateRejected("the TLS handshake with \(peer) failed: its certificate was rejected (\(String(cString: text)))")
            }
            return .tlsFailed(described(queued))
        }
    }

    private func described(_ detail: String) -> String {
        isEstablished ? "TLS error: \(detail)" : "the TLS handshake with \(peer) failed: \(detail)"
    }

    /// An IPv4 or IPv6 literal, which SNI must not carry (RFC 6066 §3).
    static func isAddress(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }
}
