/// How the live load generator itself fared during a level: whether it, rather than the endpoint,
/// may have set the pace. A closed-loop client that is late to send, or out of CPU, measures its
/// own delay as the endpoint's latency; such a level is marked, never silently used.
public struct ClientCheck: Sendable, Equatable, Codable {
    /// Requests the generator finished during the level (recorded or not).
    public let requests: Int
    /// Streamed events it parsed.
    public let events: Int
    /// CPU time of the generator's thread during the level, user and kernel.
    public let cpuSeconds: Double
    /// The user-space part: the generator's own work, without the kernel's socket work.
    public let userCPUSeconds: Double
    /// The cores that CPU time is shared out over: 1 for the epoll client's thread, the machine's
    /// for URLSession, which works on threads of its own.
    public let cores: Int
    /// What carried the requests: "epoll" or "urlsession".
    public let route: String
    public let wallSeconds: Double
    /// How late requests left after their client was free to send them (recorded requests only).
    public let sendLagP50Seconds: Double
    public let sendLagP99Seconds: Double
    public let sendLagMaxSeconds: Double
    /// How long response bytes waited, after epoll reported them, while the generator served other
    /// sockets first: the delay it adds to the first-token and end times it takes.
    public let readDelayP50Seconds: Double
    public let readDelayP99Seconds: Double

    /// Above this share of one core, the single-threaded generator is near saturation.
    public static let cpuShareLimit = 0.85
    /// Above this send lag or read delay at p99, the client is measurably late: the endpoint is not
    /// all that is measured.
    public static let sendLagLimitSeconds = 0.005

    public init(
        requests: Int, events: Int, cpuSeconds: Double, userCPUSeconds: Double, cores: Int = 1, route: String = "epoll",
        wallSeconds: Double, sendLagP50Seconds: Double, sendLagP99Seconds: Double,
        sendLagMaxSeconds: Double, readDelayP50Seconds: Double = 0, readDelayP99Seconds: Double = 0
    ) {
        self.requests = requests
        self.events = events
        self.cpuSeconds = cpuSeconds
        self.userCPUSeconds = userCPUSeconds
        self.cores = cores
        self.route = route
        self.wallSeconds = wallSeconds
        self.sendLagP50Seconds = sendLagP50Seconds
        self.sendLagP99Seconds = sendLagP99Seconds
        self.sendLagMaxSeconds = sendLagMaxSeconds
        self.readDelayP50Seconds = readDelayP50Seconds
        self.readDelayP99Seconds = readDelayP99Seconds
    }

    /// The generator's CPU time over the level's wall time and its cores: its share of what it can use.
    public var cpuShare: Double { wallSeconds > 0 ? cpuSeconds / wallSeconds / Double(max(1, cores)) : 0 }

    /// CPU microseconds per finished request, its streamed events included.
    public var cpuMicrosecondsPerRequest: Double { requests > 0 ? cpuSeconds * 1e6 / Double(requests) : 0 }

    /// Why the client may have been the bottleneck; nil when it was not.
    public var problem: String? {
        var reasons: [String] = []
        if cpuShare > Self.cpuShareLimit {
            reasons.append("the load generator used \(Int((cpuShare * 100).rounded()))% of \(cores == 1 ? "its core" : "the machine's \(cores) cores")")
        }
        if sendLagP99Seconds > Self.sendLagLimitSeconds {
            reasons.append("requests left up to \(NumberFormatting.significant(sendLagP99Seconds * 1000)) ms after their client was free (p99)")
        }
        if readDelayP99Seconds > Self.sendLagLimitSeconds {
            reasons.append("responses were read up to \(NumberFormatting.significant(readDelayP99Seconds * 1000)) ms after they arrived (p99)")
        }
        return reasons.isEmpty ? nil : reasons.joined(separator: " and ")
    }

    public var isClientLimited: Bool { problem != nil }

    enum CodingKeys: String, CodingKey {
        case requests, events, cores, route
        case cpuSeconds = "cpu_s"
        case userCPUSeconds = "user_cpu_s"
        case wallSeconds = "wall_s"
        case sendLagP50Seconds = "send_lag_p50_s"
        case sendLagP99Seconds = "send_lag_p99_s"
        case sendLagMaxSeconds = "send_lag_max_s"
        case readDelayP50Seconds = "read_delay_p50_s"
        case readDelayP99Seconds = "read_delay_p99_s"
    }
}
