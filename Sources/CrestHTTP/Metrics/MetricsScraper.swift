import CEpoll
import Crest
import Glibc

/// Reads the endpoint's Prometheus page every second while a level runs, on a connection of its
/// own (plain or TLS, as the endpoint's), and averages the gauges over the level. An endpoint without a usable page (no answer, not
/// 200, no known gauge) is asked twice, then left alone for the rest of the sweep.
final class MetricsScraper: SocketHandler {
    private static let intervalNanoseconds: Int64 = 1_000_000_000
    private static let attemptsBeforeGivingUp = 2

    private unowned let loop: EventLoop
    private let address: SocketAddress
    private let request: [UInt8]
    private let tls: TLSContext?
    private let host: String
    private var descriptor: Int32 = -1
    private var channel: ConnectionChannel?
    private var isConnecting = false
    private var sent = 0
    private var parser = HTTPResponseParser()
    private var status = 0
    private var body: [UInt8] = []
    private var timer: Int?
    private var readings: [ServerGauges] = []
    private var failures = 0
    private var hasSucceeded = false

    /// - Parameter tls: for an https endpoint, the settings its connections use; `host` is the
    ///   name its certificate must carry.
    init(loop: EventLoop, address: SocketAddress, host: String, authority: String, path: String, tls: TLSContext?) {
        self.loop = loop
        self.address = address
        self.host = host
        self.tls = tls
        request = Array("GET \(path) HTTP/1.1\r\nHost: \(authority)\r\nAccept: text/plain\r\nConnection: close\r\n\r\n".utf8)
    }

    /// False once the endpoint has shown it has no page to read.
    private var isWorthAsking: Bool { hasSucceeded || failures < Self.attemptsBeforeGivingUp }

    /// Starts reading for a new level.
    func start() {
        readings.removeAll()
        scheduleNext(at: loop.now)
    }

    /// Stops, and averages what the level's readings said; nil when there were none.
    func stop() -> ServerMetrics? {
        if let timer { loop.cancelTimer(timer) }
        timer = nil
        closeSocket()
        return ServerMetrics(readings: readings)
    }

    private func scheduleNext(at time: Int64) {
        guard isWorthAsking else { return }
        timer = loop.schedule(at: time) { [unowned self] in
            // A reading still open after a whole interval has failed.
            if descriptor >= 0 { failed() }
            scrape()
            scheduleNext(at: time + Self.intervalNanoseconds)
        }
    }

    private func scrape() {
        guard isWorthAsking, let connected = try? address.connectNonBlocking() else { return failed() }
        descriptor = connected
        isConnecting = true
        sent = 0
        parser.reset()
        status = 0
        body.removeAll(keepingCapacity: true)
        loop.register(descriptor, events: EPOLLOUT.rawValue, handler: self)
    }

    func socketReady(_ events: UInt32) {
        if isConnecting {
            isConnecting = false
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length)
            guard error == 0 else { return failed() }
            do {
                channel = try tls.map { .tls(try TLSConnection(client: $0, descriptor: descriptor, host: host)) } ?? .plain(descriptor)
            } catch {
                return failed()
            }
        }
        guard let channel else { return }
        while sent < request.count {
            switch request.withUnsafeBytes({ channel.write(UnsafeRawBufferPointer(rebasing: $0[sent...])) }) {
            case .transferred(let count): sent += count
            case .wantsWrite: return loop.modify(descriptor, events: EPOLLOUT.rawValue)
            case .wantsRead: return loop.modify(descriptor, events: EPOLLIN.rawValue)
            case .closed, .failed, .tlsFailed, .certificateRejected: return failed()
            }
            if sent == request.count { return loop.modify(descriptor, events: EPOLLIN.rawValue) }
        }
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while descriptor >= 0 {
            var ended = false
            do {
                switch chunk.withUnsafeMutableBytes({ channel.read(into: $0) }) {
                case .transferred(let count):
                    try chunk.withUnsafeBufferPointer {
                        _ = try parser.parse(
                            UnsafeBufferPointer(rebasing: $0[..<count]), head: { status = $0.status }, body: { body.append(contentsOf: $0) },
                            end: { ended = true })
                    }
                case .wantsRead: return loop.modify(descriptor, events: EPOLLIN.rawValue)
                case .wantsWrite: return loop.modify(descriptor, events: EPOLLOUT.rawValue)
                case .closed:
                    try parser.connectionClosed { ended = true }
                    if !ended { return failed() }
                case .failed, .tlsFailed, .certificateRejected: return failed()
                }
            } catch {
                return failed()
            }
            if ended { return completed() }
        }
    }

    private func completed() {
        closeSocket()
        let gauges = ServerGauges(prometheusText: String(decoding: body, as: UTF8.self))
        guard status == 200, !gauges.isEmpty else { return failed() }
        hasSucceeded = true
        readings.append(gauges)
    }

    private func failed() {
        closeSocket()
        failures += 1
    }

    private func closeSocket() {
        guard descriptor >= 0 else { return }
        channel?.shutdown()
        channel = nil
        loop.deregister(descriptor)
        Glibc.close(descriptor)
        descriptor = -1
        isConnecting = false
    }
}
