/// Why the load generator cannot run a level: the client's own limits, or a host that does not resolve.
public enum LoadGeneratorError: Error, Equatable, CustomStringConvertible {
    /// The endpoint's host name did not resolve (`Fault.dnsFailure`): no request can be sent.
    case unresolvedHost(host: String, detail: String)
    /// A level needs more connections than the open-files limit allows.
    case tooManyClients(concurrency: Int, limit: Int)
    /// A level needs more connections to one address than the machine has local ports for.
    case tooFewEphemeralPorts(concurrency: Int, ports: ClosedRange<Int>)
    /// Opening a socket failed for want of a file descriptor.
    case outOfFileDescriptors(concurrency: Int, limit: Int, detail: String)

    public var description: String {
        switch self {
        case .unresolvedHost(let host, let detail):
            return "dns_failure: the endpoint's host '\(host)' did not resolve (\(detail)); check the host name in --url, and this machine's DNS"
        case .tooManyClients(let concurrency, let limit):
            return "concurrency \(concurrency) needs \(concurrency) connections, and the open-files limit is \(limit) (ulimit -n; \(OpenFileLimit.reserved) are kept for Crest's own files): raise it, e.g. 'ulimit -n \(Self.suggestedLimit(concurrency))', or measure at most \(max(0, limit - OpenFileLimit.reserved)) clients"
        case .tooFewEphemeralPorts(let concurrency, let ports):
            return "concurrency \(concurrency) needs \(concurrency) connections to one address, and this machine has \(ports.count) local ports for them (net.ipv4.ip_local_port_range is \(ports.lowerBound) \(ports.upperBound)): widen it, e.g. 'sysctl -w net.ipv4.ip_local_port_range=\"1024 65535\"', or measure at most \(ports.count) clients"
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
