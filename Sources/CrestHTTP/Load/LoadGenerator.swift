import Crest
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Glibc

/// The closed-loop load of a live sweep, on the event loop's thread: N clients, each sending its
/// next request as soon as its last one ends, with every request recorded by the level's
/// `LevelRecorder`, exactly as the simulator's clients are.
///
/// In a session sweep each client is a user holding conversations (`SessionShape`): a later turn's
/// request is built as it is sent, from the history and the endpoint's reply to the turn before,
/// after a think time drawn from an exponential distribution; a conversation ends after its last
/// turn or a failed one (there is no reply to go on from), and the next begins at once.
///
/// Levels follow each other without a restart: going from N to M clients keeps the connections,
/// starts the clients that are missing and lets the surplus ones retire after their current
/// request. Idle clients start one by one, as the simulator's do (see `StaggeredStart`). Requests
/// still running when a level ends finish during the next one unrecorded (the next level's warm-up
/// absorbs them); between levels, clients that finish wait.
final class LoadGenerator: @unchecked Sendable {
    private struct LevelInProgress {
        let number: Int
        var recorder: LevelRecorder
        let continuation: CheckedContinuation<LevelRun, Error>
        var sequence: [Int]
        var tick = 0
        // For the generator's check on itself.
        let startedAt: Int64
        let cpuAtStart: Int64
        let userCPUAtStart: Int64
        var finishedRequests = 0
        var events = 0
        var sendLags: [Int64] = []
        var readDelays: [Int64] = []
        /// The first recorded request of each failure outcome, as the endpoint answered it.
        var failureExamples: [Outcome: FailureExample] = [:]
        /// Where finished requests go while the level runs, and how many of the recorder's samples went.
        let journal: (any SampleJournal)?
        var journaledCount = 0
        /// Set once the level is told to stop: no request is sent after it, and the level ends
        /// when the last one in flight finishes or at this time (monotonic ns), whichever is first.
        var drainDeadline: Int64?
    }

    /// The most read delays a level keeps for its percentiles (the first ones; plenty for a p99).
    private static let readDelaysKept = 200_000

    /// How often a running level's clock advances when no request ends (duration rules and
    /// sequential tests close windows in time).
    private static let tickNanoseconds: Int64 = 50_000_000
    private static let progressNanoseconds: Int64 = 1_000_000_000
    /// How often requests are checked against their deadlines. A timed-out request ends at its
    /// deadline whenever the check notices it; one sweep over the clients is cheaper than a timer per request.
    private static let timeoutSweepNanoseconds: Int64 = 50_000_000
    /// The pause after a refused or broken connection, so a dead endpoint is not hammered in a spin.
    private static let transportPauseNanoseconds: Int64 = 50_000_000
    /// The longest Retry-After honoured; a 429 without one waits a second.
    private static let longestRetryAfter = 30.0

    let loop: EventLoop
    let address: SocketAddress
    let endpoint: LiveEndpoint
    let limits: ResponseLimits
    /// For an https endpoint on the epoll route: the TLS settings of every connection.
    let tlsContext: TLSContext?
    /// Why a timed-out request failed, in the report's words.
    private let timeoutReason: String
    /// The timeouts that end a request before its whole-request deadline.
    private let timeouts: ClientTimeouts
    /// One read buffer for every client: the loop reads one socket at a time.
    let readBuffer: UnsafeMutableRawBufferPointer
    private let prompts: [Prompt]
    /// Each prompt's request but for a signature that depends on when it is sent.
    private let prepared: [PreparedRequest]
    /// Each prompt's request, as the route takes it: bytes for the epoll client, a URLRequest for
    /// URLSession; empty when each is signed as it is sent.
    private let requests: [[UInt8]]
    private let urlRequests: [URLRequest]
    /// With unique requests (`--no-prefix-reuse`): the nonces, and where each prompt's body holds
    /// its placeholder; nil when requests are sent as prepared.
    /// The fewest tokens each prompt's request asks for (its line's fields under `--request-field`
    /// values: `AnswerLengthRequest`); nil where it asks for no length.
    private let askedTokens: [Int?]
    private var nonces: RequestNonces?
    private let nonceOffsets: [Int]
    private let bridge: SessionBridge?
    private let maxOutputTokens: Int?
    /// In a session sweep: the conversations' shape, each client's conversation in progress,
    /// the clients thinking between turns, and what draws their think times.
    private let sessions: SessionShape?
    private var conversations: [Conversation?] = []
    private var thinking: [Bool] = []
    private var thinkRandom: SeededRandom
    /// The sweep's time zero on the monotonic clock: every sample's times count from it.
    private var origin: Int64
    private let timeout: Int64
    private var promptOrder: [Int]
    private var promptCursor = 0
    private var clients: [any GeneratorClient] = []
    private var activeClients = 0
    private var levelsStarted = 0
    private var current: LevelInProgress?
    private let scraper: MetricsScraper?
    private var timeoutSweep: Int?
    /// The level's idle clients that have not started yet, in start order, and the timer that
    /// starts the next one if no response begins first.
    private var clientsToStart: [Int] = []
    private var startDeadline: Int?
    private var latestStart: Int64 = 0
    /// When each client last started, and, until a level that adds clients to running ones starts
    /// its first, the client whose next response starts it (`StaggeredStart.phaseReference`).
    private var clientStarts: [Int64] = []
    private var phaseReference: Int?
    /// Told where the running level stands, about once a second, with the level's number (1 for
    /// the first level this generator ran), on the loop's thread.
    private let onProgress: (@Sendable (Int, LevelProgress) -> Void)?
    private var lastProgress: Int64 = 0
    /// Waits for the pre-flight request's end (`preflight(continuation:)`).
    private var pendingPreflight: CheckedContinuation<FinishedRequest, Never>?

    init(
        loop: EventLoop, endpoint: LiveEndpoint, prompts: [Prompt], maxOutputTokens: Int?, requestTimeoutSeconds: Double,
        timeouts: ClientTimeouts = .standard, seed: UInt64, origin: Int64, limits: ResponseLimits = .standard,
        uniqueRequests: Bool = false, sessions: SessionShape? = nil, onProgress: (@Sendable (Int, LevelProgress) -> Void)? = nil
    ) throws {
        self.loop = loop
        self.maxOutputTokens = maxOutputTokens
        self.sessions = sessions
        thinkRandom = SeededRandom(seed: derivedSeed(seed, 6))
        self.timeouts = timeouts
        self.onProgress = onProgress
        self.endpoint = endpoint
        self.limits = limits
        timeoutReason = "no complete response within the request timeout of \(NumberFormatting.duration(seconds: requestTimeoutSeconds))"
        self.prompts = prompts
        do {
            address = try SocketAddress.resolve(host: endpoint.host, port: endpoint.port)
        } catch {
            throw LoadGeneratorError.unresolvedHost(host: endpoint.host, detail: "\(error)")
        }
        prepared = try prompts.map { try endpoint.prepare(uniqueRequests ? RequestNonces.marked($0) : $0, maxOutputTokens: maxOutputTokens) }
        askedTokens = prompts.map { Self.askedTokens(of: $0, endpoint: endpoint, maxOutputTokens: maxOutputTokens) }
        nonceOffsets = uniqueRequests ? prepared.map { RequestNonces.digitsOffset(in: $0.body) ?? -1 } : []
        nonces = uniqueRequests ? RequestNonces(seed: seed) : nil
        // Requests are built once, unless each must be signed as it is sent.
        let built = endpoint.signsEachRequest ? [] : prepared
        switch endpoint.route {
        case .epoll:
            requests = built.map { endpoint.bytes(of: $0, at: 0) }
            urlRequests = []
            bridge = nil
            tlsContext = endpoint.isSecure ? try TLSContext.client(trusting: endpoint.certificateBundle) : nil
        case .urlSession:
            requests = []
            urlRequests = built.map { endpoint.urlRequest(of: $0, at: 0) }
            bridge = SessionBridge(loop: loop, requestTimeoutSeconds: requestTimeoutSeconds)
            tlsContext = nil
        }
        self.origin = origin
        timeout = Int64(requestTimeoutSeconds * 1e9)
        readBuffer = .allocate(byteCount: 256 * 1024, alignment: 16)
        let resolved = address
        let tls = tlsContext
        // On the URLSession route an https endpoint's page is out of the scraper's reach (no TLS of its own there).
        scraper = endpoint.isSecure && tls == nil ? nil : endpoint.metricsPath.map {
            MetricsScraper(loop: loop, address: resolved, host: endpoint.host, authority: endpoint.authority, path: $0, tls: tls)
        }
        var random = SeededRandom(seed: derivedSeed(seed, 3))
        promptOrder = Array(prompts.indices)
        for index in stride(from: promptOrder.count - 1, to: 0, by: -1) {
            promptOrder.swapAt(index, random.nextInt(below: index + 1))
        }
    }

    deinit { readBuffer.deallocate() }

    /// The fewest tokens `prompt`'s request asks for: its fields under `--request-field` values.
    private static func askedTokens(of prompt: Prompt, endpoint: LiveEndpoint, maxOutputTokens: Int?) -> Int? {
        AnswerLengthRequest(prompt.requestFields.merging(endpoint.extraFields) { _, command in command })
            .asked(cap: prompt.maxOutputTokens ?? maxOutputTokens)
    }

    func requestBytes(for request: RequestInFlight) -> [UInt8] {
        if let turn = request.turnPrompt { return endpoint.bytes(of: prepared(turn, else: request.promptIndex), at: LiveEndpoint.unixNow) }
        let promptIndex = request.promptIndex
        if let body = uniqueBody(promptIndex) {
            guard !requests.isEmpty else { return endpoint.bytes(of: endpoint.prepared(body: body), at: LiveEndpoint.unixNow) }
            // The prebuilt request's head stays: the body keeps its length.
            let built = requests[promptIndex]
            return Array(built[..<(built.count - body.count)]) + body
        }
        return requests.isEmpty ? endpoint.bytes(of: prepared[promptIndex], at: LiveEndpoint.unixNow) : requests[promptIndex]
    }

    func urlRequest(for request: RequestInFlight) -> URLRequest {
        if let turn = request.turnPrompt { return endpoint.urlRequest(of: prepared(turn, else: request.promptIndex), at: LiveEndpoint.unixNow) }
        let promptIndex = request.promptIndex
        if let body = uniqueBody(promptIndex) {
            guard !urlRequests.isEmpty else { return endpoint.urlRequest(of: endpoint.prepared(body: body), at: LiveEndpoint.unixNow) }
            var request = urlRequests[promptIndex]
            request.httpBody = Data(body)
            return request
        }
        return urlRequests.isEmpty ? endpoint.urlRequest(of: prepared[promptIndex], at: LiveEndpoint.unixNow) : urlRequests[promptIndex]
    }

    /// A later turn's request. Preparing throws only for request fields that do not encode, and
    /// the same fields encoded when the prompts' requests were prepared, so the fallback (the
    /// prompt's own request) is never sent in practice.
    private func prepared(_ turn: Prompt, else promptIndex: Int) -> PreparedRequest {
        (try? endpoint.prepare(turn, maxOutputTokens: maxOutputTokens)) ?? prepared[promptIndex]
    }

    /// The body of a unique request for the prompt, with a new nonce; nil when requests are not unique.
    private func uniqueBody(_ promptIndex: Int) -> [UInt8]? {
        guard nonces != nil, nonceOffsets[promptIndex] >= 0 else { return nil }
        var body = prepared[promptIndex].body
        nonces!.stamp(&body, at: nonceOffsets[promptIndex])
        return body
    }

    private func makeClient(index: Int) -> any GeneratorClient {
        if let bridge { return SessionClient(index: index, generator: self, bridge: bridge) }
        return LoadClient(index: index, generator: self)
    }

    /// Starts `level`; `continuation` gets its run once the recorder says it is complete. The
    /// clients the level keeps go on as they are (their requests in flight run on, and count
    /// toward its warm-up as they end); those it adds start one by one; those it retires close
    /// their connections, abandoning their requests: the level before no longer records them, and
    /// waiting for the slowest would hold the new level above its load (see `LevelRecorder`).
    func start(_ level: Level, until rule: StopRule, journal: (any SampleJournal)?, continuation: CheckedContinuation<LevelRun, Error>) {
        levelsStarted += 1
        let now = loop.now
        lastProgress = now
        for client in clients[min(level.concurrency, clients.count)...] {
            if let pause = client.pauseTimer { loop.cancelTimer(pause) }
            client.pauseTimer = nil
            if client.request != nil { client.close() }
            if sessions != nil { endConversation(of: client.index) }
        }
        let carried = clients.filter { $0.request != nil }.count
        current = LevelInProgress(
            number: levelsStarted,
            recorder: LevelRecorder(
                level: level, rule: rule, startedAt: now - origin, staggeredStart: true, carriedRequests: carried,
                thinkingUsers: sessions == nil ? nil : thinking.count { $0 }),
            continuation: continuation, sequence: Array(repeating: 0, count: level.concurrency), startedAt: now,
            cpuAtStart: cpuNanoseconds(), userCPUAtStart: userCPUNanoseconds(), journal: journal)
        activeClients = level.concurrency
        while clients.count < activeClients { clients.append(makeClient(index: clients.count)) }
        while conversations.count < clients.count {
            conversations.append(nil)
            thinking.append(false)
        }
        while clientStarts.count < clients.count { clientStarts.append(.min) }
        clientsToStart = clients.prefix(activeClients).filter { !$0.isBusy }.map(\.index)
        // An idle endpoint gets its first client at once; one with clients that stay gets
        // its first new client as a response begins, as every later one does, and at the latest
        // the longest gap after a client that stays sends (`sendNext`): started at once, it would
        // fall in step with a client that stays (on prompts and answers of one length, for good:
        // two clients that prefill together do so at every request).
        if clientsToStart.isEmpty {
            current!.recorder.lastClientStarted(at: now - origin)
        } else if clientsToStart.count == activeClients {
            startNextClient()
        } else {
            phaseReference = StaggeredStart.phaseReference(
                among: clients.prefix(activeClients).filter(\.isBusy).map(\.index), startedAt: { clientStarts[$0] })
        }
        scheduleTick()
        scraper?.start()
        if timeoutSweep == nil { scheduleTimeoutSweep() }
    }

    /// A resumed sweep's clock goes on from `nanoseconds`, where the stored runs ended, so its
    /// samples' times follow theirs instead of starting again at zero. Call with no level running.
    func continueClock(from nanoseconds: Int64) {
        origin = loop.now - nanoseconds
    }

    /// Ends the running level, if any, with `CancellationError`; clients that finish then wait.
    func cancelLevel() {
        endLevel(throwing: CancellationError())
    }

    /// Stops the running level, if any: no request is sent after this, and the level ends with
    /// `CancellationError` once its requests in flight have finished (each recorded and journaled),
    /// or after `seconds`, abandoning those still running.
    func drainLevel(within seconds: Double) {
        guard current != nil, current!.drainDeadline == nil else { return }
        let deadline = loop.now + Int64(seconds * 1e9)
        current!.drainDeadline = deadline
        stopStarting()
        endDrainIfDone()
        guard current != nil else { return }
        let number = current!.number
        loop.schedule(at: deadline) { [unowned self] in
            guard current?.number == number else { return }
            endLevel(throwing: CancellationError())
        }
    }

    /// Ends a draining level once none of its requests is in flight.
    private func endDrainIfDone() {
        guard let level = current, level.drainDeadline != nil else { return }
        if !clients.contains(where: { $0.request?.levelNumber == level.number }) { endLevel(throwing: CancellationError()) }
    }

    /// Hands the level's samples finished since the last time to its journal.
    private func flushJournal() {
        guard let level = current, let journal = level.journal else { return }
        let samples = level.recorder.samples
        guard samples.count > level.journaledCount else { return }
        journal.append(Array(samples[level.journaledCount...]))
        current!.journaledCount = samples.count
    }

    /// Ends the running level, if any, with `error`; clients that finish then wait.
    private func endLevel(throwing error: Error) {
        flushJournal()
        guard let level = current else { return }
        current = nil
        loop.cancelTimer(level.tick)
        stopStarting()
        _ = scraper?.stop()
        level.continuation.resume(throwing: error)
    }

    /// A client could not open a socket: the process has no file descriptor left. That is the
    /// client's limit, not the endpoint failing, so no request is counted against the endpoint:
    /// the level ends with an error that says so.
    func ranOutOfDescriptors(_ error: SocketError) {
        guard let level = current else { return }
        endLevel(throwing: LoadGeneratorError.outOfFileDescriptors(
            concurrency: level.recorder.level.concurrency, limit: OpenFileLimit.current, detail: error.description))
    }

    /// Closes every connection; a level still running ends with `CancellationError`.
    func stop() {
        _ = scraper?.stop()
        if let timeoutSweep { loop.cancelTimer(timeoutSweep) }
        timeoutSweep = nil
        for client in clients {
            if let pause = client.pauseTimer { loop.cancelTimer(pause) }
            client.close()
        }
        bridge?.invalidate()
        cancelLevel()
    }

    // MARK: - From the clients

    func firstTokenArrived(_ request: RequestInFlight, by client: any GeneratorClient, at time: Int64) {
        responseBegan(to: request, by: client)
        guard let recorded = request.recorded, current?.number == request.levelNumber else { return }
        current?.recorder.firstTokenArrived(recorded, at: time - origin)
    }

    /// A response's bytes were read `delay` after epoll said they were there: time spent on other
    /// sockets first, which the generator adds to what it measures.
    func readDelayed(by delay: Int64) {
        guard current != nil, current!.readDelays.count < Self.readDelaysKept else { return }
        current!.readDelays.append(delay)
    }

    /// Counts a streamed event toward the generator's check on itself.
    func eventParsed() {
        current?.events += 1
    }

    /// Sends one request outside any level and hands its end to `continuation`: the pre-flight
    /// check before a sweep. Call it with no level running.
    func preflight(continuation: CheckedContinuation<FinishedRequest, Never>) {
        if clients.isEmpty { clients.append(makeClient(index: 0)) }
        if timeoutSweep == nil { scheduleTimeoutSweep() }
        pendingPreflight = continuation
        let now = loop.now
        clients[0].send(RequestInFlight(
            promptIndex: promptOrder[0], levelNumber: Self.preflightLevel, recorded: nil, seq: 0, sentAt: now, sendLag: 0, deadline: now + timeout))
    }

    /// The level number of the pre-flight request, which no level has.
    private static let preflightLevel = 0

    func requestFinished(_ finished: FinishedRequest, by client: any GeneratorClient) {
        let request = finished.request
        // A 429's Retry-After is honoured (up to a limit) and recorded with its sample.
        var pause: Int64
        switch finished.outcome {
        case .http429: pause = Int64(min(finished.retryAfterSeconds ?? 1, Self.longestRetryAfter) * 1e9)
        case .transport: pause = Self.transportPauseNanoseconds
        default: pause = 0
        }
        let retryAfter = pause
        if request.levelNumber == Self.preflightLevel, let continuation = pendingPreflight {
            pendingPreflight = nil
            return continuation.resume(returning: finished)
        }
        current?.finishedRequests += 1
        if current != nil, current!.number != request.levelNumber {
            current!.recorder.carriedRequestFinished(at: finished.finishedAt - origin)
        } else if let recorded = request.recorded, current?.number == request.levelNumber {
            let sample = sample(finished, client: client.index, phase: recorded.phase, retryAfter: finished.outcome == .http429 ? retryAfter : nil)
            current?.recorder.requestFinished(sample, recorded)
            current?.sendLags.append(request.sendLag)
            // Only the first failure of each kind is shown, so only it is described: a 429 storm
            // costs no text.
            if !finished.outcome.isSuccess, current?.failureExamples[finished.outcome] == nil {
                current?.failureExamples[finished.outcome] = finished.example(redactingFor: endpoint)
            }
        }
        if request.firstTokenAt == nil { responseBegan(to: request, by: client) }
        let think = conversationGoesOn(after: finished, by: client.index)
        if let think {
            pause += think
            thinking[client.index] = true
            current?.recorder.thinkingBegan(at: finished.finishedAt - origin)
        }
        completeLevelIfDone()
        endDrainIfDone()
        if pause == 0 {
            stopThinking(client.index)
            return clientIsFree(client, since: finished.finishedAt)
        }
        let resumeAt = loop.now + pause
        client.pauseTimer = loop.schedule(at: resumeAt) { [unowned self, unowned client] in
            client.pauseTimer = nil
            stopThinking(client.index)
            clientIsFree(client, since: resumeAt)
        }
    }

    // MARK: - Sessions

    /// After `finished`, a turn of a conversation: its reply joins the history and the think time
    /// before the next turn is drawn (ns); nil at the conversation's end (after its last turn, or
    /// a failed one), or for a request of no conversation.
    private func conversationGoesOn(after finished: FinishedRequest, by client: Int) -> Int64? {
        let request = finished.request
        guard let sessions, let turn = request.turn, client < conversations.count, conversations[client] != nil else { return nil }
        guard finished.outcome.isSuccess, turn < sessions.turns else {
            endConversation(of: client)
            return nil
        }
        // An unstreamed answer's text is read from its body once, here.
        let reply = endpoint.streaming ? request.reply : endpoint.api.answerText(ofBody: request.body) ?? ""
        conversations[client]!.answered(
            request.turnPrompt ?? prompts[request.promptIndex], reply: reply, promptTokens: request.reading.promptTokens,
            completionTokens: request.reading.completion.tokens)
        return sessions.drawThinkTime(&thinkRandom)
    }

    /// The client's user stops thinking: its next turn goes now, or it waits for a level.
    private func stopThinking(_ client: Int) {
        guard client < thinking.count, thinking[client] else { return }
        thinking[client] = false
        current?.recorder.thinkingEnded(at: loop.now - origin)
    }

    /// The client's conversation ends: its next request opens a new one.
    private func endConversation(of client: Int) {
        guard client < conversations.count else { return }
        conversations[client] = nil
        thinking[client] = false
    }

    // MARK: - Staggered start

    /// A response began: the next client starts if the rule says so.
    private func responseBegan(to request: RequestInFlight, by client: any GeneratorClient) {
        guard phaseReference.map({ $0 == client.index }) ?? true else { return }
        if StaggeredStart.startsNextClient(responseToRequestSentAt: request.sentAt, latestStart: latestStart) { startNextClient() }
    }

    /// Starts the next client waiting to start, if any; called at the level's start, when a
    /// response begins, and when the wait for one has been too long.
    private func startNextClient() {
        guard current != nil, !clientsToStart.isEmpty else { return }
        let client = clients[clientsToStart.removeFirst()]
        if let startDeadline { loop.cancelTimer(startDeadline) }
        startDeadline = nil
        latestStart = loop.now
        clientStarts[client.index] = loop.now
        phaseReference = nil
        // A send that fails at once ends its request here and starts the next client inside this call.
        sendNext(from: client, readyAt: loop.now)
        guard current != nil else { return }
        if clientsToStart.isEmpty {
            current!.recorder.lastClientStarted(at: loop.now - origin)
        } else if startDeadline == nil {
            armStartDeadline()
        }
    }

    /// Starts the next client after the longest gap, if no response begins first.
    private func armStartDeadline() {
        startDeadline = loop.schedule(at: loop.now + StaggeredStart.longestGap(clients: current!.recorder.level.concurrency)) { [unowned self] in
            startDeadline = nil
            startNextClient()
        }
    }

    private func stopStarting() {
        clientsToStart = []
        phaseReference = nil
        if let startDeadline { loop.cancelTimer(startDeadline) }
        startDeadline = nil
    }

    // MARK: - Sending

    private func clientIsFree(_ client: any GeneratorClient, since readyAt: Int64) {
        guard current != nil, current!.drainDeadline == nil, client.index < activeClients else { return }
        sendNext(from: client, readyAt: readyAt)
    }

    private func sendNext(from client: any GeneratorClient, readyAt: Int64) {
        guard current != nil else { return }
        let (promptIndex, turn, turnPrompt) = nextRequest(of: client.index)
        let now = loop.now
        let recorded = current!.recorder.requestSent(at: now - origin)
        let seq = current!.sequence[client.index]
        current!.sequence[client.index] += 1
        client.send(RequestInFlight(
            promptIndex: promptIndex, turn: turn, turnPrompt: turnPrompt, levelNumber: current!.number, recorded: recorded, seq: seq, sentAt: now,
            sendLag: max(0, now - readyAt), deadline: now + timeout))
        if current != nil, !clientsToStart.isEmpty, startDeadline == nil { armStartDeadline() }
    }

    /// What `client` sends next: the dataset's next prompt, or in a session sweep its
    /// conversation's next turn, with the turn's number and, for a later turn, its request.
    private func nextRequest(of client: Int) -> (promptIndex: Int, turn: Int?, turnPrompt: Prompt?) {
        guard sessions != nil else { return (nextPromptIndex(), nil, nil) }
        var conversation = conversations[client] ?? Conversation()
        // A conversation's own later turn is its opener's: it takes no prompt of the dataset's order.
        let promptIndex = conversation.nextTurnIsItsOwn ? conversation.openerIndex! : nextPromptIndex()
        let request = conversation.nextTurn(prompts[promptIndex], index: promptIndex)
        conversations[client] = conversation
        // The opening turn is the prompt's own request, built once.
        return (promptIndex, conversation.turnsSent, conversation.turnsSent > 1 ? request : nil)
    }

    private func nextPromptIndex() -> Int {
        defer { promptCursor += 1 }
        return promptOrder[promptCursor % promptOrder.count]
    }

    // MARK: - Levels

    private func sample(_ finished: FinishedRequest, client: Int, phase: Phase, retryAfter: Int64?) -> Sample {
        let request = finished.request
        let succeeded = finished.outcome.isSuccess
        let completion = request.reading.completion
        return Sample(
            level: current!.recorder.level.concurrency, client: client, seq: request.seq, promptIndex: request.promptIndex,
            sentAt: request.sentAt - origin, firstTokenAt: request.firstTokenAt.map { $0 - origin },
            finishedAt: finished.finishedAt - origin,
            promptTokens: request.reading.promptTokens ?? (request.turnPrompt ?? prompts[request.promptIndex]).promptTokens,
            completionTokens: succeeded ? completion.tokens : 0, tokensSource: succeeded ? completion.source : .estimate,
            outcome: finished.outcome, phase: phase, sendLag: request.sendLag,
            interTokenGaps: endpoint.streaming ? request.interTokenGaps : nil, errorName: finished.errorName, fault: finished.fault,
            retryAfter: retryAfter, cachedTokens: succeeded ? request.reading.cachedTokens : nil,
            firstAnswerAt: succeeded && request.reading.reasoned ? (endpoint.streaming ? request.firstAnswerAt : request.firstTokenAt).map { $0 - origin } : nil,
            reasoningTokens: succeeded ? request.reading.reasoning : nil,
            askedTokens: request.turnPrompt.map { Self.askedTokens(of: $0, endpoint: endpoint, maxOutputTokens: maxOutputTokens) }
                ?? askedTokens[request.promptIndex],
            turn: request.turn)
    }

    /// The request timeout's expiry of `request`, at its deadline.
    func requestTimeoutExpiry(of request: RequestInFlight) -> RequestExpiry {
        RequestExpiry(fault: .requestTimeout, at: request.deadline, reason: timeoutReason)
    }

    /// The first of `request`'s timeouts to have expired by `now`, if any.
    private func expiry(of request: RequestInFlight, at now: Int64) -> RequestExpiry? {
        if now >= request.deadline { return requestTimeoutExpiry(of: request) }
        func expired(_ start: Int64?, _ seconds: Double?) -> Int64? {
            guard let start, let seconds else { return nil }
            let end = start + Int64(seconds * 1e9)
            return now >= end ? end : nil
        }
        // While the connection opens, only its own timeout runs: a dead host is no slow first token.
        if request.connectingSince != nil {
            guard let at = expired(request.connectingSince, timeouts.connectSeconds) else { return nil }
            return RequestExpiry(fault: .connectTimeout, at: at, reason: "the connection did not open within the connect timeout of \(duration(timeouts.connectSeconds))")
        }
        // An unstreamed answer has no first token before its end: its first byte stands for it.
        let answerBegan = request.firstTokenAt != nil || (!endpoint.streaming && request.receivedAnything)
        if !answerBegan, let at = expired(request.sentAt, timeouts.firstTokenSeconds) {
            return RequestExpiry(fault: .firstTokenTimeout, at: at, reason: "no token within the first-token timeout of \(duration(timeouts.firstTokenSeconds!))")
        }
        if request.firstTokenAt != nil, let at = expired(request.lastByteAt, timeouts.stallSeconds) {
            return RequestExpiry(fault: .streamStalled, at: at, reason: "the stream sent nothing for the stall timeout of \(duration(timeouts.stallSeconds!)) and did not close")
        }
        return nil
    }

    private func duration(_ seconds: Double) -> String { NumberFormatting.duration(seconds: seconds) }

    /// Runs from the first level to `stop()`: requests still running between levels time out too.
    private func scheduleTimeoutSweep() {
        timeoutSweep = loop.schedule(at: loop.now + Self.timeoutSweepNanoseconds) { [unowned self] in
            let now = loop.now
            for client in clients {
                if let request = client.request, let expiry = expiry(of: request, at: now) { client.timedOut(expiry) }
            }
            scheduleTimeoutSweep()
        }
    }

    private func scheduleTick() {
        guard let number = current?.number else { return }
        current!.tick = loop.schedule(at: loop.now + Self.tickNanoseconds) { [unowned self] in
            guard current?.number == number else { return }
            completeLevelIfDone()
            reportProgress()
            scheduleTick()
        }
    }

    /// About once a second: the finished requests go to the journal, and the progress is told.
    private func reportProgress() {
        guard let level = current else { return }
        let now = loop.now
        guard now - lastProgress >= Self.progressNanoseconds else { return }
        lastProgress = now
        flushJournal()
        onProgress?(level.number, level.recorder.progress(at: now - origin))
    }

    private func completeLevelIfDone() {
        guard current != nil else { return }
        let now = loop.now
        current!.recorder.advanceClock(to: now - origin)
        guard current!.recorder.isComplete else { return }
        flushJournal()
        let level = current!
        current = nil
        loop.cancelTimer(level.tick)
        stopStarting()
        let examples = Outcome.allCases.compactMap { level.failureExamples[$0] }
        let run = level.recorder.finish(endedAt: now - origin)
            .checked(by: check(level, at: now), serverMetrics: scraper?.stop(), failureExamples: examples)
        level.continuation.resume(returning: run)
    }

    private func check(_ level: LevelInProgress, at now: Int64) -> ClientCheck {
        let lags = level.sendLags.sorted()
        let delays = level.readDelays.sorted()
        return ClientCheck(
            requests: level.finishedRequests, events: level.events,
            cpuSeconds: Double(cpuNanoseconds() - level.cpuAtStart) / 1e9,
            userCPUSeconds: Double(userCPUNanoseconds() - level.userCPUAtStart) / 1e9, cores: cores, route: endpoint.route.rawValue,
            wallSeconds: Double(now - level.startedAt) / 1e9,
            sendLagP50Seconds: percentile(lags, 0.5), sendLagP99Seconds: percentile(lags, 0.99), sendLagMaxSeconds: Double(lags.last ?? 0) / 1e9,
            readDelayP50Seconds: percentile(delays, 0.5), readDelayP99Seconds: percentile(delays, 0.99))
    }

    // The epoll client is the loop's thread alone; URLSession works on threads of its own, so its
    // route is measured by the whole process's CPU against all the machine's cores.
    private var cores: Int { endpoint.route == .epoll ? 1 : ProcessInfo.processInfo.activeProcessorCount }
    private func cpuNanoseconds() -> Int64 { endpoint.route == .epoll ? threadCPUNanoseconds() : processCPUNanoseconds() }
    private func userCPUNanoseconds() -> Int64 { endpoint.route == .epoll ? threadUserCPUNanoseconds() : processUserCPUNanoseconds() }

    private func percentile(_ sorted: [Int64], _ share: Double) -> Double {
        sorted.isEmpty ? 0 : Double(sorted[min(sorted.count - 1, Int(share * Double(sorted.count)))]) / 1e9
    }
}
