import Glibc

/// A system call on a socket failed.
public enum SocketError: Error, Equatable, CustomStringConvertible {
    case system(String, Int32)
    case unresolved(host: String, reason: String)

    public var description: String {
        switch self {
        case .system(let call, let code): return "\(call) failed: \(String(cString: strerror(code)))"
        case .unresolved(let host, let reason): return "cannot resolve '\(host)': \(reason)"
        }
    }
}
