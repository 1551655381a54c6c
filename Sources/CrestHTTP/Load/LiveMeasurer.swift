import Crest

/// Measures levels against a live HTTP endpoint in real time, with the epoll load generator.
///
/// Times in its samples are nanoseconds on the monotonic clock from the measurer's creation (the
/// sweep's start). Call `shutdown()` when the sweep is over: it closes the connections and stops
/// the loop's thread.
public final class LiveMeasurer: Measurer, @unchecked Sendable {
    public let endpoint: LiveEndpoint
    private let loop: EventLoop
    private let generator: LoadGenerator
    /// How long an interrupted level waits for its requests in flight (`measure`).
    private let drainSeconds: Double
    /// Ten seconds: most answers end within them, and a user who pressed Ctrl-C waits no longer.
    public static let standardDrainSeconds: Double = 10

    /// - Parameters:
    ///   - limits: the client's hard limits on a response.
    ///   - onProgress: told where a running level stands about once a second, with the level's
    ///     number (1 for the first level measured), on the load generator's thread.
    public init(
        endpoint: LiveEndpoint, dataset: Dataset, seed: UInt64, requestTimeoutSeconds: Double, timeouts: ClientTimeouts = .standard,
        maxOutputTokens: Int? = nil, limits: ResponseLimits = .standard, drainSeconds: Double = standardDrainSeconds,
        onProgress: (@Sendable (Int, LevelProgress) -> Void)? = nil
    ) throws {
        OpenFileLimit.raise()
        ignoreBrokenPipes()
        self.endpoint = endpoint
        self.drainSeconds = drainSeconds
        loop = try EventLoop(name: "crest-load")
        generator = try LoadGenerator(
            loop: loop, endpoint: endpoint, prompts: dataset.prompts, maxOutputTokens: maxOutputTokens,
            requestTimeoutSeconds: requestTimeoutSeconds, timeouts: timeouts, seed: seed, origin: MonotonicClock.nanoseconds(), limits: limits,
            uniqueRequests: !dataset.shape.prefixReuse, sessions: dataset.shape.sessions, onProgress: onProgress)
    }

    /// The most clients a level can have: each holds a connection, and the open-files limit
    /// (raised to its hard limit when the measurer was made) and the local port range bound them.
    public static var maximumConcurrency: Int { min(OpenFileLimit.maximumClients, EphemeralPortRange.maximumClients) }

    /// Why `concurrency` clients cannot run here, naming the limit and how to raise it; nil when they can.
    public static func limitError(concurrency: Int) -> LoadGeneratorError? {
        if concurrency > OpenFileLimit.maximumClients { return .tooManyClients(concurrency: concurrency, limit: OpenFileLimit.current) }
        if let ports = EphemeralPortRange.current, concurrency > ports.count { return .tooFewEphemeralPorts(concurrency: concurrency, ports: ports) }
        return nil
    }

    /// Measures `level`.
    public func measure(_ level: Level, until rule: StopRule) async throws -> LevelRun {
        try await measure(level, until: rule, journal: nil)
    }

    /// Measures `level`, handing its finished requests to `journal` about once a second. A
    /// cancelled task (an interrupted sweep) stops sending, waits up to the drain time for the
    /// requests in flight (each recorded and journaled as it finishes), and ends the level with
    /// `CancellationError`, abandoning those still running.
    /// - Throws: `LoadGeneratorError` when the level needs more connections than the process may
    ///   open (checked before any request is sent), or runs out of them.
    public func measure(_ level: Level, until rule: StopRule, journal: (any SampleJournal)?) async throws -> LevelRun {
        if let error = Self.limitError(concurrency: level.concurrency) { throw error }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                loop.execute { [generator] in generator.start(level, until: rule, journal: journal, continuation: continuation) }
            }
        } onCancel: {
            loop.execute { [generator, drainSeconds] in generator.drainLevel(within: drainSeconds) }
        }
    }

    /// How the pre-flight request ended, as a level would record it: the outcome, for a failure the
    /// endpoint's answer (its API key taken out), and whether no level can be measured after it.
    public struct Preflight: Sendable {
        public let outcome: Outcome
        /// The failure's finer category, where it has one.
        public let fault: Fault?
        public let example: FailureExample?
        /// True when no level can be measured after it: the endpoint refused the request (a 4xx
        /// other than 429: a wrong model, path, key, credentials or region), could not be reached
        /// (a wrong host or port, an endpoint that is down), answered in another API's shape (a
        /// wrong `--api` or path), TLS refused its certificate, or no connection opened within the
        /// connect timeout. A 429, a 5xx or another timeout may be the load of the moment, which the
        /// levels measure; a redirect is shown by the first level; a prompt too long for the
        /// endpoint's context is that prompt's fault, which the levels count (`context_exceeded`).
        public let stops: Bool
        /// The failure was TLS refusing the endpoint's certificate.
        public let certificateRejected: Bool
    }

    /// Sends one request before any level and says how it ended.
    public func preflight() async -> Preflight {
        let finished = await withCheckedContinuation { continuation in
            loop.execute { [generator] in generator.preflight(continuation: continuation) }
        }
        return Preflight(
            outcome: finished.outcome, fault: finished.fault,
            example: finished.outcome.isSuccess ? nil : finished.example(redactingFor: endpoint),
            stops: ([.http4xx, .transport, .malformed].contains(finished.outcome) && finished.fault != .contextExceeded)
                || finished.fault == .connectTimeout,
            certificateRejected: finished.request.certificateRejected)
    }

    /// The samples of the levels to come continue the stored runs' clock.
    public func resume(after runs: [(run: LevelRun, rule: StopRule)]) async {
        let ended = runs.last?.run.endedAt ?? 0
        loop.execute { [generator] in generator.continueClock(from: ended) }
    }

    /// Closes every connection and stops the load generator's thread.
    public func shutdown() {
        loop.execute { [generator] in generator.stop() }
        loop.shutdown()
    }
}
