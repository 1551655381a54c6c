import Glibc

/// CLOCK_MONOTONIC in nanoseconds: the cheapest steady clock here (about 40 ns a call, see
/// swift-linux.md §7), the one every live timestamp is taken from.
public enum MonotonicClock {
    public static func nanoseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}
