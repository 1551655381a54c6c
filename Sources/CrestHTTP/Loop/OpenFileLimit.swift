import Glibc

/// The process's limit on open files, which bounds the connections a load generator can hold: each
/// client of a level keeps one (URLSession a little more).
public enum OpenFileLimit {
    /// Descriptors kept for everything but the clients' connections: standard streams, the results
    /// files, the event loops, the /metrics scraper, URLSession's own.
    public static let reserved = 64

    /// Raises the soft limit to the hard one (20,000 here; 1,024 by default on many systems): a level
    /// of 1,024 clients needs 1,024 connections.
    public static func raise() {
        var limit = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        }
    }

    /// The soft limit in force.
    public static var current: Int {
        var limit = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        return Int(clamping: limit.rlim_cur)  // RLIM_INFINITY is the largest value: clamped, it is Int.max
    }

    /// The most clients a level can have under the limit now in force.
    public static var maximumClients: Int { max(0, current - reserved) }
}
