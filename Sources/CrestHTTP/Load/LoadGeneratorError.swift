/// Why the load generator cannot run a level: the client's own limits, never the endpoint's.
public enum LoadGeneratorError: Error, Equatable, CustomStringConvertible {
    /// A level needs more connections than the open-files limit allows.
    case tooManyClients(concurrency: Int, limit: Int)
    /// Opening a socket failed for want of a file descriptor.
    case outOfFileDescriptors(concurrency: Int, limit: Int, detail: String)

    public var description: String {
        switch self {
        case .tooManyClients(let concurrency, let limit):
            return "concurrency \(concurrency) needs \(concurrency) connections, and the open-files limit is \(limit) (ulimit -n; \(OpenFileLimit.reserved) are kept for Crest's own files): raise it, e.g. 'ulimit -n \(Self.suggestedLimit(concurrency))', or measure at most \(max(0, limit - OpenFileLimit.reserved)) clients"
        case .outOfFileDescriptors(let concurrency, let limit, let detail):
            return "the load generator ran out of file descriptors at concurrency \(concurrency) (\(detail); the open-files limit is \(limit), ulimit -n): the client's limit, not the endpoint's, so the level was not counted; raise it, e.g. 'ulimit -n \(Self.suggestedLimit(concurrency))'"
        }
    }

    private static func suggestedLimit(_ concurrency: Int) -> Int {
        var limit = 1024
        while limit < concurrency + OpenFileLimit.reserved { limit *= 2 }
        return limit
    }
}
