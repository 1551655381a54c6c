import Glibc

/// A resolved IPv4 or IPv6 address and port, ready for `connect`.
public struct SocketAddress: Sendable {
    fileprivate var storage = sockaddr_storage()
    fileprivate let length: socklen_t
    public let family: Int32

    /// Resolves `host` once, at the start of a sweep: every connection goes to the same address.
    public static func resolve(host: String, port: Int) throws -> SocketAddress {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw SocketError.unresolved(host: host, reason: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(list) }
        return SocketAddress(first.pointee)
    }

    private init(_ info: addrinfo) {
        family = info.ai_family
        length = info.ai_addrlen
        withUnsafeMutableBytes(of: &storage) { target in
            target.copyMemory(from: UnsafeRawBufferPointer(start: info.ai_addr, count: Int(info.ai_addrlen)))
        }
    }

    /// A new non-blocking TCP socket, with Nagle off, connecting to this address. The connection
    /// completes later: the socket becomes writable (or reports an error) when it does.
    func connectNonBlocking() throws -> Int32 {
        let descriptor = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw SocketError.system("socket", errno) }
        setNoDelay(descriptor)
        var address = storage
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, length) }
        }
        if result != 0 && errno != EINPROGRESS {
            let code = errno
            close(descriptor)
            throw SocketError.system("connect", code)
        }
        return descriptor
    }

    /// A non-blocking listening socket bound to this address.
    func listen(backlog: Int32 = 1024) throws -> Int32 {
        let descriptor = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw SocketError.system("socket", errno) }
        var one: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = storage
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0, Glibc.listen(descriptor, backlog) == 0 else {
            let code = errno
            close(descriptor)
            throw SocketError.system("bind", code)
        }
        return descriptor
    }
}

/// Small writes are the whole protocol here (a request, an SSE event): send them at once.
func setNoDelay(_ descriptor: Int32) {
    var one: Int32 = 1
    setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
}

/// The port a listening socket got (for port 0, the kernel's choice).
func boundPort(of descriptor: Int32) -> Int {
    var address = sockaddr_storage()
    var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    let family = address.ss_family
    let port: UInt16 = withUnsafePointer(to: &address) { pointer in
        if family == sa_family_t(AF_INET6) {
            return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_port }
        }
        return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_port }
    }
    return Int(UInt16(bigEndian: port))
}

/// A write to a socket the peer closed must fail with EPIPE, not kill the process with SIGPIPE.
public func ignoreBrokenPipes() {
    signal(SIGPIPE, SIG_IGN)
}
