import CEpoll
import Crest
import Foundation
import Glibc
import Synchronization

/// Something the event loop tells when its socket is ready.
public protocol SocketHandler: AnyObject {
    /// `events` is epoll's mask (EPOLLIN, EPOLLOUT, EPOLLHUP, EPOLLERR).
    func socketReady(_ events: UInt32)
}

/// One thread that waits on epoll for socket readiness and due timers, and runs every callback of
/// the load generator and the server. Nothing it owns is touched from another thread: work from
/// outside arrives through `execute`, which wakes the loop through an eventfd.
///
/// One thread is the point: a request's timestamps are taken on the thread that reads its bytes,
/// with no queue hop in between, and the client's own cost stays at microseconds per request
/// (swift-linux.md §3).
public final class EventLoop: @unchecked Sendable {
    private let epollDescriptor: Int32
    private let wakeDescriptor: Int32
    private var handlers: [Int32: SocketHandler] = [:]
    private var timers = EventQueue<Int>()
    private var timerActions: [Int: () -> Void] = [:]
    private var nextTimer = 0
    private let pending = Mutex<[@Sendable () -> Void]>([])
    private var isRunning = true
    /// When epoll last returned: a callback's `now` minus this is how long it waited behind the
    /// callbacks before it in the same wake-up, the loop's own added delay.
    public private(set) var lastWake: Int64 = 0
    private let stopped = DispatchSemaphore(value: 0)

    /// Starts the loop's thread.
    public init(name: String = "crest-event-loop") throws {
        epollDescriptor = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epollDescriptor >= 0 else { throw SocketError.system("epoll_create1", errno) }
        wakeDescriptor = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard wakeDescriptor >= 0 else { throw SocketError.system("eventfd", errno) }
        var event = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(fd: wakeDescriptor))
        epoll_ctl(epollDescriptor, EPOLL_CTL_ADD, wakeDescriptor, &event)
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    deinit {
        close(wakeDescriptor)
        close(epollDescriptor)
    }

    /// Nanoseconds on the monotonic clock.
    public var now: Int64 { MonotonicClock.nanoseconds() }

    /// Runs `work` on the loop's thread, soon. Callable from any thread.
    public func execute(_ work: @escaping @Sendable () -> Void) {
        pending.withLock { $0.append(work) }
        var one: UInt64 = 1
        _ = write(wakeDescriptor, &one, 8)
    }

    /// Stops the loop after the work already submitted, and waits for its thread to end.
    public func shutdown() {
        execute { [self] in isRunning = false }
        stopped.wait()
    }

    // MARK: - On the loop's thread

    /// Watches `descriptor` for `events` (EPOLLIN, EPOLLOUT...).
    public func register(_ descriptor: Int32, events: UInt32, handler: SocketHandler) {
        handlers[descriptor] = handler
        var event = epoll_event(events: events, data: epoll_data_t(fd: descriptor))
        epoll_ctl(epollDescriptor, EPOLL_CTL_ADD, descriptor, &event)
    }

    /// Changes which events `descriptor` is watched for.
    public func modify(_ descriptor: Int32, events: UInt32) {
        var event = epoll_event(events: events, data: epoll_data_t(fd: descriptor))
        epoll_ctl(epollDescriptor, EPOLL_CTL_MOD, descriptor, &event)
    }

    /// Stops watching `descriptor`; call before closing it.
    public func deregister(_ descriptor: Int32) {
        handlers[descriptor] = nil
        epoll_ctl(epollDescriptor, EPOLL_CTL_DEL, descriptor, nil)
    }

    /// Runs `action` at `deadline` (monotonic ns) or as soon after as the loop wakes (within a
    /// millisecond). Returns a handle for `cancelTimer`.
    @discardableResult
    public func schedule(at deadline: Int64, _ action: @escaping () -> Void) -> Int {
        nextTimer += 1
        timerActions[nextTimer] = action
        timers.schedule(nextTimer, at: deadline)
        return nextTimer
    }

    public func cancelTimer(_ handle: Int) {
        timerActions[handle] = nil
    }

    private func run() {
        var events = [epoll_event](repeating: epoll_event(), count: 256)
        while isRunning {
            let ready = wait(&events)
            lastWake = now
            if ready > 0 {
                for index in 0..<Int(ready) {
                    let descriptor = events[index].data.fd
                    if descriptor == wakeDescriptor {
                        drainSubmittedWork()
                    } else {
                        handlers[descriptor]?.socketReady(events[index].events)
                    }
                }
            }
            fireDueTimers()
        }
        for (descriptor, _) in handlers { close(descriptor) }
        handlers.removeAll()
        stopped.signal()
    }

    /// Whether epoll_pwait2 (nanosecond timeouts) works here; kernels before 5.11 lack it.
    private var hasPreciseWait = preciseEpollWait != nil

    /// Waits for sockets until the next timer. epoll_wait counts whole milliseconds, so a timer
    /// would fire up to a millisecond late: a simulated token stream would drift by that much a
    /// token. epoll_pwait2 takes nanoseconds; epoll_wait is the fallback.
    private func wait(_ events: inout [epoll_event]) -> Int32 {
        let remaining = nanosecondsToNextTimer()
        if hasPreciseWait {
            var timeout = timespec(tv_sec: Int(remaining ?? 0) / 1_000_000_000, tv_nsec: Int(remaining ?? 0) % 1_000_000_000)
            let ready = remaining == nil
                ? preciseEpollWait!(epollDescriptor, &events, Int32(events.count), nil, nil)
                : preciseEpollWait!(epollDescriptor, &events, Int32(events.count), &timeout, nil)
            if ready >= 0 || errno != ENOSYS { return ready }
            hasPreciseWait = false
        }
        let milliseconds = remaining.map { Int32(min(($0 + 999_999) / 1_000_000, 60_000)) } ?? -1
        return epoll_wait(epollDescriptor, &events, Int32(events.count), milliseconds)
    }

    /// Nanoseconds until the next live timer (0 if due), nil when there is none.
    private func nanosecondsToNextTimer() -> Int64? {
        // Cancelled timers stay in the heap until they reach its top; drop them there.
        while let (deadline, handle) = timers.peek {
            if timerActions[handle] == nil { _ = timers.pop(); continue }
            return max(0, min(deadline - now, 60_000_000_000))
        }
        return nil
    }

    private func fireDueTimers() {
        let time = now
        while let deadline = timers.peekTime, deadline <= time, let (_, handle) = timers.pop() {
            if let action = timerActions.removeValue(forKey: handle) { action() }
        }
    }

    private func drainSubmittedWork() {
        var count: UInt64 = 0
        _ = read(wakeDescriptor, &count, 8)
        let work = pending.withLock { queue in
            defer { queue.removeAll() }
            return queue
        }
        for item in work { item() }
    }
}

/// epoll_pwait2, looked up at run time: glibc declares it only under _GNU_SOURCE, which the C
/// target cannot set without changing fd_set for every other module, and glibc before 2.35 lacks it.
private typealias EpollWaitNanoseconds = @convention(c) (
    Int32, UnsafeMutablePointer<epoll_event>?, Int32, UnsafePointer<timespec>?, UnsafeRawPointer?
) -> Int32

private let preciseEpollWait: EpollWaitNanoseconds? = {
    // A null handle is RTLD_DEFAULT: the symbol wherever the process has it.
    guard let symbol = dlsym(nil, "epoll_pwait2") else { return nil }
    return unsafeBitCast(symbol, to: EpollWaitNanoseconds.self)
}()
