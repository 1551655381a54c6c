import Glibc

/// A system call on a socket failed.
public enum SocketError: Error, Equatable, CustomStringConvertible {
    case system(String, Int32)
    case unresolved(host: String, reason: String)

    /// True for the errors that mean this process (or the system) has no file descriptor left:
    /// the client's limit, never the endpoint's failure.
    public static func isOutOfDescriptors(_ code: Int32) -> Bool { code == EMFILE || code == ENFILE }

    public var description: String {
        switch self {
        case .system(let call, let code): return "\(call) failed: \(String(cString: strerror(code)))"
        case .unresolved(let host, let reason): return "cannot resolve '\(host)': \(reason)"
        }
    }
}
