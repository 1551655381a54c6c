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
    /// The bridge's number for the request on the wire; callbacks for any other are stale.
    private var transfer: Int?
    private var reader: ResponseReader

    init(index: Int, generator: LoadGenerator, bridge: SessionBridge) {
        self.index = index
        self.generator = generator
        self.bridge = bridge
        reader = ResponseReader(endpoint: generator.endpoint, limits: generator.limits)
    }

    func send(_ request: RequestInFlight) {
        self.request = request
        reader = ResponseReader(endpoint: generator.endpoint, limits: generator.limits)
        transfer = bridge.start(generator.urlRequest(request.promptIndex), for: self)
    }

    func timedOut() {
        guard let timedOut = request else { return }
        abandonTransfer()
        finish(reader.failed(timedOut, .timeout, reason: generator.timeoutReason, at: timedOut.deadline))
    }

    func close() {
        abandonTransfer()
        request = nil
    }

    // MARK: - From URLSession, on the loop's thread, with the callback's own timestamp

    func received(_ head: HTTPResponseHead, transfer: Int) {
        guard transfer == self.transfer else { return }
        request?.head = head
    }

    func received(_ data: Data, at time: Int64, transfer: Int) {
        guard transfer == self.transfer, request != nil else { return }
        if time >= request!.deadline { return timedOut() }
        reader.received(data.count, into: &request!)
        let broughtFirstToken = data.withUnsafeBytes { bytes in
            reader.read(bytes.bindMemory(to: UInt8.self), at: time, into: &request!, eventParsed: generator.eventParsed)
        }
        if let reason = reader.cutOffReason {
            let cut = request!
            abandonTransfer()
            return finish(reader.failed(cut, .malformed, reason: reason, at: time))
        }
        if broughtFirstToken { generator.firstTokenArrived(request!, at: time) }
    }

    /// The transfer ended at `time`; `failure` is URLSession's error message, if it failed.
    func completed(failure: String?, at time: Int64, transfer: Int) {
        guard transfer == self.transfer, let finished = request else { return }
        self.transfer = nil
        if let failure {
            finish(reader.failed(finished, .transport, reason: "URLSession: \(failure)", at: time))
        } else {
            finish(reader.finish(finished, at: time))
        }
    }

    private func finish(_ finished: FinishedRequest) {
        request = nil
        generator.requestFinished(finished, by: self)
    }

    private func abandonTransfer() {
        guard let abandoned = transfer else { return }
        transfer = nil
        bridge.cancel(abandoned)
    }
}

/// URLSession's delegate for every `SessionClient` of a generator: it starts and cancels their
/// transfers, and routes callbacks to their client on the event loop, with the time each came.
///
/// URLSession is called on a queue of the bridge's own, never on the loop's thread: its task calls
/// wait for its work queue, which a response arriving at full speed can hold for as long as the
/// response lasts (seen here: a stream cut off at its limit stopped the loop, timers and all).
/// A task is cancelled only while its state says it is running: FoundationNetworking traps when a
/// cancel races the task's own completion ("a task that is not in the registry", seen here when a
/// server closed streams as they were being cancelled); the check narrows that window, which is
/// URLSession's own and cannot be closed from outside it.
final class SessionBridge: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let loop: EventLoop
    private let control = DispatchQueue(label: "crest-urlsession")
    private let lock = NSLock()
    /// By task identifier: the client and transfer a task serves.
    private var routes: [Int: (client: SessionClient, transfer: Int)] = [:]
    /// By transfer: its task, once made.
    private var tasks: [Int: URLSessionDataTask] = [:]
    /// Transfers whose task is not made yet; one cancelled meanwhile leaves this set, and its task
    /// is never made.
    private var pending: Set<Int> = []
    private var transfers = 0
    private var session: URLSession!

    init(loop: EventLoop, requestTimeoutSeconds: Double) {
        self.loop = loop
        super.init()
        let configuration = URLSessionConfiguration.ephemeral
        // The default of 6 connections per host would queue a level's requests inside URLSession.
        configuration.httpMaximumConnectionsPerHost = 4096
        configuration.timeoutIntervalForRequest = requestTimeoutSeconds + 5
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        let delegateQueue = OperationQueue()
        delegateQueue.maxConcurrentOperationCount = 1
        session = URLSession(configuration: configuration, delegate: self, delegateQueue: delegateQueue)
    }

    /// Starts `request` for `client`; returns the transfer's number.
    func start(_ request: URLRequest, for client: SessionClient) -> Int {
        let transfer = lock.withLock {
            transfers += 1
            pending.insert(transfers)
            return transfers
        }
        control.async { [self] in
            guard lock.withLock({ pending.contains(transfer) }) else { return }
            let task = session.dataTask(with: request)
            let wasCancelled = lock.withLock {
                guard pending.remove(transfer) != nil else { return true }
                routes[task.taskIdentifier] = (client, transfer)
                tasks[transfer] = task
                return false
            }
            if !wasCancelled { task.resume() }
        }
        return transfer
    }

    /// Cancels `transfer`, if it is still running.
    func cancel(_ transfer: Int) {
        control.async { [self] in
            let task = lock.withLock {
                pending.remove(transfer)
                return tasks.removeValue(forKey: transfer)
            }
            if let task, task.state == .running { task.cancel() }
        }
    }

    func invalidate() {
        control.async { [self] in session.invalidateAndCancel() }
    }

    private func route(of task: URLSessionTask, removing: Bool = false) -> (client: SessionClient, transfer: Int)? {
        lock.withLock {
            guard removing, let route = routes.removeValue(forKey: task.taskIdentifier) else { return routes[task.taskIdentifier] }
            tasks[route.transfer] = nil
            return route
        }
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        completionHandler(.allow)
        guard let (client, transfer) = route(of: dataTask), let response = response as? HTTPURLResponse else { return }
        var fields: [String: String] = [:]
        for (name, value) in response.allHeaderFields {
            if let name = name as? String, let value = value as? String { fields[name.lowercased()] = value }
        }
        let head = HTTPResponseHead(status: response.statusCode, fields: fields)
        loop.execute { client.received(head, transfer: transfer) }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let time = MonotonicClock.nanoseconds()
        guard let (client, transfer) = route(of: dataTask) else { return }
        loop.execute { client.received(data, at: time, transfer: transfer) }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        let time = MonotonicClock.nanoseconds()
        guard let (client, transfer) = route(of: task, removing: true) else { return }
        let failure = error.map { ($0 as NSError).localizedDescription }
        loop.execute { client.completed(failure: failure, at: time, transfer: transfer) }
    }

    /// Redirects are not followed: the 3xx is the answer (`http_3xx`). Following one would send the
    /// API key to a host the user did not name, and measure that host instead of the endpoint.
    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}
