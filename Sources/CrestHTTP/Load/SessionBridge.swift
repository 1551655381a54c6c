import Crest
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// URLSession's delegate for every `SessionClient` of a generator: it starts and cancels their
/// transfers, and routes callbacks to their client on the event loop, with the time each came.
///
/// Two faults of FoundationNetworking on Linux shape it (both seen here):
/// - A task call waits for URLSession's work queue, which a response arriving at full speed can
///   hold for as long as the response lasts: called on the loop's thread, it stopped the loop,
///   timers and all. So URLSession is never called on the loop's thread: tasks are made and
///   resumed on a queue of the bridge's own.
/// - A cancel can trap ("a task that is not in the registry"): the cancel's own work runs on the
///   session's work queue, sometimes after the completion it caused has removed the task. In a
///   test that cut off forty responses in a row while their bytes still arrived, it trapped
///   within forty, wherever the cancels ran. So only a timed-out request is cancelled (bytes are
///   rarely arriving then, and the endpoint should stop working on it), on the delegate queue,
///   unless its completion has been delivered; a response cut off at a limit is forgotten, and
///   the session is let go with `finishTasksAndInvalidate`, never `invalidateAndCancel`.
final class SessionBridge: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    /// One request's task, and whether URLSession has completed it (read and set on the delegate
    /// queue only).
    private final class Transfer: @unchecked Sendable {
        let number: Int
        let client: SessionClient
        let task: URLSessionDataTask
        var isCompleted = false

        init(number: Int, client: SessionClient, task: URLSessionDataTask) {
            self.number = number
            self.client = client
            self.task = task
        }

        /// Cancels the task unless it has completed. On the delegate queue.
        func cancel() {
            guard !isCompleted, task.state == .running else { return }
            task.cancel()
        }
    }

    private let loop: EventLoop
    private let control = DispatchQueue(label: "crest-urlsession")
    private let delegateQueue = OperationQueue()
    private let lock = NSLock()
    /// Running transfers, by task identifier and by number.
    private var byTask: [Int: Transfer] = [:]
    private var byNumber: [Int: Transfer] = [:]
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
        delegateQueue.maxConcurrentOperationCount = 1
        session = URLSession(configuration: configuration, delegate: self, delegateQueue: delegateQueue)
    }

    /// Starts `request` for `client`; returns the transfer's number.
    func start(_ request: URLRequest, for client: SessionClient) -> Int {
        let number = lock.withLock {
            transfers += 1
            pending.insert(transfers)
            return transfers
        }
        control.async { [self] in
            guard lock.withLock({ pending.contains(number) }) else { return }
            let transfer = Transfer(number: number, client: client, task: session.dataTask(with: request))
            let wasCancelled = lock.withLock {
                guard pending.remove(number) != nil else { return true }
                byTask[transfer.task.taskIdentifier] = transfer
                byNumber[number] = transfer
                return false
            }
            if !wasCancelled { transfer.task.resume() }
        }
        return number
    }

    /// Cancels transfer `number`, if it is still running.
    func cancel(_ number: Int) {
        delegateQueue.addOperation { [self] in
            let transfer = lock.withLock {
                pending.remove(number)
                return byNumber.removeValue(forKey: number)
            }
            transfer?.cancel()
        }
    }

    /// Lets the session go once what still runs has ended; starts no more transfers.
    func invalidate() {
        control.async { [self] in
            lock.withLock { pending.removeAll() }
            session.finishTasksAndInvalidate()
        }
    }

    private func transfer(of task: URLSessionTask, removing: Bool = false) -> Transfer? {
        lock.withLock {
            guard removing, let transfer = byTask.removeValue(forKey: task.taskIdentifier) else { return byTask[task.taskIdentifier] }
            byNumber[transfer.number] = nil
            return transfer
        }
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        completionHandler(.allow)
        guard let transfer = transfer(of: dataTask), let response = response as? HTTPURLResponse else { return }
        var fields: [String: String] = [:]
        for (name, value) in response.allHeaderFields {
            if let name = name as? String, let value = value as? String { fields[name.lowercased()] = value }
        }
        let head = HTTPResponseHead(status: response.statusCode, fields: fields)
        let (client, number) = (transfer.client, transfer.number)
        loop.execute { client.received(head, transfer: number) }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let time = MonotonicClock.nanoseconds()
        guard let transfer = transfer(of: dataTask) else { return }
        let (client, number) = (transfer.client, transfer.number)
        loop.execute { client.received(data, at: time, transfer: number) }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        let time = MonotonicClock.nanoseconds()
        guard let transfer = transfer(of: task, removing: true) else { return }
        transfer.isCompleted = true
        let failure = error.map { TransferFailure($0 as NSError) }
        let (client, number) = (transfer.client, transfer.number)
        loop.execute { client.completed(failure: failure, at: time, transfer: number) }
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

/// How a URLSession transfer failed: its error's domain and code, and URLSession's words.
struct TransferFailure: Sendable {
    let domain: String
    let code: Int
    let description: String

    init(_ error: NSError) {
        domain = error.domain
        code = error.code
        description = error.localizedDescription
    }
}
