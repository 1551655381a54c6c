import Foundation
import Glibc
import Synchronization

/// Connections that never send a byte.
enum IdleConnections {
    private static let held = Mutex<[Int32]>([])

    /// Opens `count` connections to the loopback `port`; returns how many opened.
    static func open(_ count: Int, port: Int) -> Int {
        var opened: [Int32] = []
        for _ in 0..<count {
            let socket = connectedSocket(port: port, timeoutSeconds: 5)
            if socket >= 0 { opened.append(socket) }
        }
        held.withLock { $0 += opened }
        return opened.count
    }

    static func closeAll() {
        held.withLock { sockets in
            sockets.forEach { _ = close($0) }
            sockets = []
        }
    }
}

/// A blocking loopback connection with send and receive timeouts, or -1.
func connectedSocket(port: Int, timeoutSeconds: Int) -> Int32 {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { return -1 }
    var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
    setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else {
        close(descriptor)
        return -1
    }
    return descriptor
}

/// Clients that misbehave in every way a server meets, one behaviour after another, each counting
/// whether the server answered it as it should (or closed on it).
final class HostileClients: @unchecked Sendable {
    enum Behaviour: String, CaseIterable {
        case vanishMidStream = "vanish mid-stream"
        case resetMidStream = "reset mid-stream"
        case slowloris
        case malformedLine = "malformed request line"
        case hugeHead = "70 KiB head"
        case hugeBody = "20 MiB body"
        case pipelined = "3 pipelined requests"
        case idle = "idle 5 s"
    }

    private let count: Int
    private let port: Int
    private let running = Atomic<Bool>(false)
    private let counts = Mutex<[Behaviour: (tried: Int, answered: Int)]>([:])
    private var threads: [Thread] = []
    private let finished = DispatchGroup()

    init(count: Int, port: Int) {
        self.count = count
        self.port = port
    }

    func start() {
        running.store(true, ordering: .relaxed)
        for index in 0..<count {
            finished.enter()
            let thread = Thread { [self] in
                var turn = index
                while running.load(ordering: .relaxed) {
                    let behaviour = Behaviour.allCases[turn % Behaviour.allCases.count]
                    let answered = act(behaviour)
                    counts.withLock { $0[behaviour, default: (0, 0)].tried += 1; if answered { $0[behaviour]!.answered += 1 } }
                    turn += 1
                }
                finished.leave()
            }
            thread.start()
            threads.append(thread)
        }
    }

    func stop() {
        running.store(false, ordering: .relaxed)
        finished.wait()
    }

    /// "vanish mid-stream 120/120 answered, ...": tries, and how many the server handled as it should.
    func summary() -> String {
        counts.withLock { counts in
            Behaviour.allCases.map { "\($0.rawValue) \(counts[$0]?.answered ?? 0)/\(counts[$0]?.tried ?? 0)" }.joined(separator: ", ")
        }
    }

    private static let streamedRequest = request(body: #"{"model":"sim","messages":[{"role":"user","content":"hello"}],"max_tokens":64,"stream":true}"#)
    private static let wholeRequest = request(body: #"{"model":"sim","messages":[{"role":"user","content":"hi"}],"max_tokens":4}"#)

    private static func request(body: String, extraHead: String = "") -> [UInt8] {
        Array("POST /v1/chat/completions HTTP/1.1\r\nHost: soak\r\nContent-Type: application/json\r\n\(extraHead)Content-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
    }

    /// One go of `behaviour`; true when the server did what it should.
    private func act(_ behaviour: Behaviour) -> Bool {
        let socket = connectedSocket(port: port, timeoutSeconds: 15)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        switch behaviour {
        case .vanishMidStream, .resetMidStream:
            guard send(socket, Self.streamedRequest) else { return false }
            let answered = receive(socket, until: "data:", limit: 1 << 16)
            if behaviour == .resetMidStream {
                var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
                setsockopt(socket, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
            }
            return answered
        case .slowloris:
            // A byte every half second: the server must close before the head is whole (10 s).
            for byte in Array("POST /v1/chat/completions HTTP/1.1\r\nHost: soak\r\nX-Slow: ".utf8) + Array(repeating: UInt8(ascii: "a"), count: 60) {
                guard running.load(ordering: .relaxed) else { return true }
                if !send(socket, [byte]) { return true }
                usleep(500_000)
            }
            return false
        case .malformedLine:
            return send(socket, Array("GARBAGE\r\n\r\n".utf8)) && receive(socket, until: "400", limit: 4096)
        case .hugeHead:
            return send(socket, Self.request(body: "{}", extraHead: "X-Big: \(String(repeating: "b", count: 70 << 10))\r\n"))
                && receive(socket, until: "431", limit: 4096)
        case .hugeBody:
            let head = "POST /v1/chat/completions HTTP/1.1\r\nHost: soak\r\nContent-Length: \(20 << 20)\r\n\r\n"
            return send(socket, Array(head.utf8)) && receive(socket, until: "413", limit: 4096)
        case .pipelined:
            guard send(socket, Self.wholeRequest + Self.wholeRequest + Self.wholeRequest) else { return false }
            return receive(socket, until: "HTTP/1.1", times: 3, limit: 1 << 16)
        case .idle:
            for _ in 0..<10 where running.load(ordering: .relaxed) { usleep(500_000) }
            return true
        }
    }

    private func send(_ socket: Int32, _ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.send(socket, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            if count <= 0 { return false }
            sent += count
        }
        return true
    }

    /// Reads until `marker` has been seen `times` times (or the connection ends, the timeout
    /// passes, or `limit` bytes came); true when it was.
    private func receive(_ socket: Int32, until marker: String, times: Int = 1, limit: Int) -> Bool {
        var text = ""
        var buffer = [UInt8](repeating: 0, count: 8192)
        while text.utf8.count < limit {
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            text += String(decoding: buffer[0..<count], as: UTF8.self)
            if text.components(separatedBy: marker).count - 1 >= times { return true }
        }
        return false
    }
}
