import CEpoll
import Crest
import Glibc

/// Reads the endpoint's Prometheus page every second while a level runs, on a connection of its
/// own, and averages the gauges over the level. An endpoint without a usable page (no answer, not
/// 200, no known gauge) is asked twice, then left alone for the rest of the sweep.
final class MetricsScraper: SocketHandler {
    private static let intervalNanoseconds: Int64 = 1_000_000_000
    private static let attemptsBeforeGivingUp = 2

    private unowned let loop: EventLoop
    private let address: SocketAddress
    private let request: [UInt8]
    private var descriptor: Int32 = -1
    private var isConnecting = false
    private var parser = HTTPResponseParser()
    private var status = 0
    private var body: [UInt8] = []
    private var timer: Int?
    private var readings: [ServerGauges] = []
    private var failures = 0
    private var hasSucceeded = false

    init(loop: EventLoop, address: SocketAddress, authority: String, path: String) {
        self.loop = loop
        self.address = address
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
        guard !readings.isEmpty else { return nil }
        func mean(_ value: (ServerGauges) -> Double?) -> Double? {
            let values = readings.compactMap(value)
            return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
        }
        return ServerMetrics(scrapes: readings.count, runningMean: mean(\.running), waitingMean: mean(\.waiting), kvCacheUsageMean: mean(\.kvCacheUsage))
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
            // The request is a few dozen bytes: one write takes it.
            let written = request.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            guard error == 0, written == request.count else { return failed() }
            loop.modify(descriptor, events: EPOLLIN.rawValue)
            return
        }
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
        if count < 0 && (errno == EAGAIN || errno == EINTR) { return }
        var ended = false
        do {
            if count > 0 {
                try chunk.withUnsafeBufferPointer {
                    _ = try parser.parse(
                        UnsafeBufferPointer(rebasing: $0[..<count]), head: { status = $0.status }, body: { body.append(contentsOf: $0) },
                        end: { ended = true })
                }
            } else {
                try parser.connectionClosed { ended = true }
            }
        } catch {
            return failed()
        }
        guard ended else { return count <= 0 ? failed() : () }
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
        loop.deregister(descriptor)
        Glibc.close(descriptor)
        descriptor = -1
        isConnecting = false
    }
}
