import Dispatch
import Foundation
import Glibc
import Synchronization

/// SIGINT, SIGTERM and SIGHUP (Ctrl-C, `kill`, a closed terminal or ssh session) as an event: the
/// first one runs `action`, and the handlers step aside at once, so a second signal ends the
/// process the usual way.
final class TerminationSignal: @unchecked Sendable {
    private static let signals = [SIGINT, SIGTERM, SIGHUP]
    private let lock = NSLock()
    private var action: (@Sendable () -> Void)?
    private var sources: [DispatchSourceSignal] = []

    init(_ action: @escaping @Sendable () -> Void) {
        self.action = action
        let queue = DispatchQueue(label: "crest-signals")
        for signalNumber in Self.signals {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler { @Sendable [self] in fire() }
            source.resume()
            sources.append(source)
        }
    }

    /// Puts the default handlers back without running the action.
    func cancel() {
        lock.withLock { action = nil }
        restoreDefaults()
    }

    /// Returns on the first SIGINT, SIGTERM or SIGHUP.
    static func wait() async {
        let waiting = Mutex<TerminationSignal?>(nil)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            waiting.withLock { $0 = TerminationSignal { continuation.resume() } }
        }
    }

    private func fire() {
        let pending = lock.withLock { () -> (@Sendable () -> Void)? in
            defer { action = nil }
            return action
        }
        restoreDefaults()
        pending?()
    }

    private func restoreDefaults() {
        lock.withLock {
            for source in sources { source.cancel() }
            sources.removeAll()
        }
        for signalNumber in Self.signals { signal(signalNumber, SIG_DFL) }
    }
}

/// A task to cancel on a signal that may come before the task exists: the handler is installed
/// first, so a signal is never lost to the default action, and the task is cancelled as soon as
/// it is attached.
final class PendingCancellation: @unchecked Sendable {
    private let lock = NSLock()
    private var requested = false
    private var cancel: (@Sendable () -> Void)?

    func request() {
        let action = lock.withLock { () -> (@Sendable () -> Void)? in
            requested = true
            return cancel
        }
        action?()
    }

    func attach<Success, Failure>(_ task: Task<Success, Failure>) {
        let cancelNow = lock.withLock { () -> Bool in
            cancel = { task.cancel() }
            return requested
        }
        if cancelNow { task.cancel() }
    }
}
