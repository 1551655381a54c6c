import Glibc

/// CLOCK_MONOTONIC in nanoseconds: the cheapest steady clock here (about 40 ns a call, see
/// swift-linux.md §7), the one every live timestamp is taken from.
public enum MonotonicClock {
    public static func nanoseconds() -> Int64 { clockNanoseconds(CLOCK_MONOTONIC) }
}

/// CPU time the calling thread has used, in nanoseconds: the load generator's own cost, apart
/// from the rest of the process.
func threadCPUNanoseconds() -> Int64 { clockNanoseconds(CLOCK_THREAD_CPUTIME_ID) }

/// CPU time of the whole process, in nanoseconds.
func processCPUNanoseconds() -> Int64 { clockNanoseconds(CLOCK_PROCESS_CPUTIME_ID) }

/// The user-space part of the calling thread's CPU time, in nanoseconds: the load generator's own
/// work without the kernel's (on loopback the kernel's share includes delivering each byte to the
/// server, which the sending thread pays for). RUSAGE_THREAD (1) is Linux-only, so Glibc does not name it.
func threadUserCPUNanoseconds() -> Int64 { userNanoseconds(__rusage_who_t(1)) }

/// The user-space part of the process's CPU time, in nanoseconds.
func processUserCPUNanoseconds() -> Int64 { userNanoseconds(RUSAGE_SELF.rawValue) }

private func clockNanoseconds(_ clock: clockid_t) -> Int64 {
    var time = timespec()
    clock_gettime(clock, &time)
    return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
}

private func userNanoseconds(_ who: __rusage_who_t) -> Int64 {
    var usage = rusage()
    getrusage(who, &usage)
    return Int64(usage.ru_utime.tv_sec) * 1_000_000_000 + Int64(usage.ru_utime.tv_usec) * 1000
}
