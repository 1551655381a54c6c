import Crest
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One closed-loop client for `https://` endpoints, through Foundation's URLSession (libcurl and
/// the system's TLS underneath: the toolchain has no TLS of its own). URLSession calls back on its
/// own thread; each callback takes its timestamp there and hands the bytes to the event loop, so the
/// generator's logic stays on one thread. It is coarser and costlier than the epoll client
/// (swift-linux.md: 240-420 µs of CPU per request or chunk, about a core spinning while requests are
/// in flight), which the report states; for `http://` the epoll client is used.
final class SessionClient: GeneratorClient, @unchecked Sendable {
    let index: Int
    private unowned let generator: LoadGenerator
    private let bridge: SessionBridge
    private(set) var request: RequestInFlight?
    var pauseTimer: Int?
    private var task: URLSessionDataTask?
    private var reader: ResponseReader

    init(index: Int, generator: LoadGenerator, bridge: SessionBridge) {
        self.index = index
        self.generator = generator
        self.bridge = bridge
        reader = ResponseReader(endpoint: generator.endpoint)
    }

    func send(_ request: RequestInFlight) {
        self.request = request
        reader = ResponseReader(endpoint: generator.endpoint)
        let task = bridge.session.dataTask(with: generator.urlRequest(request.promptIndex))
        bridge.register(task, for: self)
        self.task = task
        task.resume()
    }

    func timedOut() {
        guard let timedOut = request else { return }
        abandonTask()
        finish(FinishedRequest(request: timedOut, outcome: .timeout, finishedAt: timedOut.deadline, retryAfterSeconds: nil))
    }

    func close() {
        abandonTask()
        request = nil
    }

    // MARK: - From URLSession, on the loop's thread, with the callback's own timestamp

    func received(_ head: HTTPResponseHead, from task: URLSessionTask) {
        guard task === self.task else { return }
        request?.head = head
    }

    func received(_ data: Data, at time: Int64, from task: URLSessionTask) {
        guard task === self.task, request != nil else { return }
        request!.receivedAnything = true
        let broughtFirstToken = data.withUnsafeBytes { bytes in
            reader.read(bytes.bindMemory(to: UInt8.self), at: time, into: &request!, eventParsed: generator.eventParsed)
        }
        if broughtFirstToken { generator.firstTokenArrived(request!, at: time) }
    }

    func completed(_ error: Error?, at time: Int64, from task: URLSessionTask) {
        guard task === self.task, let finished = request else { return }
        self.task = nil
        if error != nil {
            finish(FinishedRequest(request: finished, outcome: .transport, finishedAt: time, retryAfterSeconds: nil))
        } else {
            finish(reader.finish(finished, at: time))
        }
    }

    private func finish(_ finished: FinishedRequest) {
        request = nil
        generator.requestFinished(finished, by: self)
    }

    private func abandonTask() {
        let abandoned = task
        task = nil
        abandoned?.cancel()
    }
}

/// URLSession's delegate for every `SessionClient` of a generator: it routes callbacks to their
/// client on the event loop, with the time each callback came.
final class SessionBridge: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let loop: EventLoop
    private let lock = NSLock()
    private var clients: [Int: SessionClient] = [:]
    private(set) var session: URLSession!

    init(loop: EventLoop, requestTimeoutSeconds: Double) {
        self.loop = loop
        super.init()
        let configuration = URLSessionConfiguration.ephemeral
        // The default of 6 connections per host would queue a level's requests inside URLSession.
        configuration.httpMaximumConnectionsPerHost = 4096
        configuration.timeoutIntervalForRequest = requestTimeoutSeconds + 5
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        session = URLSession(configuration: configuration, delegate: self, delegateQueue: queue)
    }

    func register(_ task: URLSessionTask, for client: SessionClient) {
        lock.withLock { clients[task.taskIdentifier] = client }
    }

    func invalidate() { session.invalidateAndCancel() }

    private func client(of task: URLSessionTask, removing: Bool = false) -> SessionClient? {
        lock.withLock { removing ? clients.removeValue(forKey: task.taskIdentifier) : clients[task.taskIdentifier] }
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        completionHandler(.allow)
        guard let client = client(of: dataTask), let response = response as? HTTPURLResponse else { return }
        var fields: [String: String] = [:]
        for (name, value) in response.allHeaderFields {
            if let name = name as? String, let value = value as? String { fields[name.lowercased()] = value }
        }
        let head = HTTPResponseHead(status: response.statusCode, fields: fields)
        loop.execute { client.received(head, from: dataTask) }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let time = MonotonicClock.nanoseconds()
        guard let client = client(of: dataTask) else { return }
        loop.execute { client.received(data, at: time, from: dataTask) }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        let time = MonotonicClock.nanoseconds()
        guard let client = client(of: task, removing: true) else { return }
        let failed = error != nil
        loop.execute { client.completed(failed ? URLError(.networkConnectionLost) : nil, at: time, from: task) }
    }
}
