import Crest
import Foundation

/// What stays the same for every level a simulation runs: the prompts and the client's settings.
struct LoadSettings {
    let prompts: [Prompt]
    /// The output cap for prompts that set none; nil for none.
    let maxOutputTokens: Int?
    /// The client's request timeout; a request still open then ends as `timeout` and is aborted.
    let requestTimeoutSeconds: Double
    /// How long a client waits between a response and its next request (Z of a closed system).
    let thinkTimeSeconds: Double
    /// Record each request's inter-token gaps (costs a notice per token; off unless a budget needs ITL).
    let recordsInterTokenGaps: Bool
    /// What each prompt's dataset line asks of its answer's length, read once (by prompt index).
    let answerLengths: [AnswerLengthRequest]
    /// Each client a user holding conversations of several turns; nil for single requests.
    let sessions: SessionShape?
    /// The tokens each prompt adds to a conversation as a later turn (`Prompt.followUp`), by prompt index.
    let followUpTokens: [Int]

    init(
        prompts: [Prompt], maxOutputTokens: Int?, requestTimeoutSeconds: Double, thinkTimeSeconds: Double, recordsInterTokenGaps: Bool,
        sessions: SessionShape? = nil
    ) {
        self.prompts = prompts
        self.sessions = sessions
        followUpTokens = sessions == nil ? [] : prompts.map(\.followUp.tokens)
        self.maxOutputTokens = maxOutputTokens
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.thinkTimeSeconds = thinkTimeSeconds
        self.recordsInterTokenGaps = recordsInterTokenGaps
        answerLengths = prompts.map { AnswerLengthRequest($0.requestFields) }
    }
}

/// What the simulator did during one level, besides the samples.
public struct SimulatedLevel: Sendable {
    public let run: LevelRun
    /// What the server did during the level.
    public let counters: ServerCounters
    /// Events the simulation processed: a measure of its own work, for the speed benchmark.
    public let events: Int
}

/// Closed-loop load against a simulated endpoint, in virtual time, one level after another.
///
/// At a level of N, clients 0..<N each send a request, wait for the whole response (or an error,
/// or its timeout), and send the next after the think time (zero by default; after a 429, once the
/// Retry-After has passed too). Requests cross the network with a per-request delay each way; the
/// server is a `ServingModel`.
///
/// In a session sweep each client is a user holding conversations: a turn's prompt carries the
/// turns before it and their replies, the next turn follows a think time drawn from an
/// exponential distribution, and a conversation ends after its last turn or a failed one (its
/// user has no reply to go on from), the next beginning at once.
///
/// The endpoint stays warm from one level to the next, as it does for the live load generator: a
/// level change keeps the clients that stay, their requests in flight running on (they belong to
/// the level that sent them and are recorded by none, but their ends count toward the new level's
/// warm-up), starts the clients it adds one by one (`StaggeredStart`), and stops the clients it
/// retires. The new level runs at its full load once the last added client has started (see
/// `LevelRecorder`).
final class ClosedLoopSimulation<Server: ServingModel> {
    private enum Event {
        case send(client: Int)
        case arrive(request: Int)
        case wake
        case respond(request: Int)
        /// The oldest request still open may have reached its timeout.
        case timeoutCheck
        /// The staggered start of level `level` starts its next client (if it has not already).
        case startClient(level: Int)
        /// The longest wait for a response before level `level` starts its next client anyway.
        case startDeadline(level: Int, client: Int)
    }

    private enum ClientState {
        /// Not sending: never started, or retired by a smaller level.
        case idle
        /// Waiting for the response to this request.
        case waiting(request: Int)
        /// Between a response and its next request (think time, Retry-After).
        case pausing

        var isIdle: Bool { if case .idle = self { return true } else { return false } }
        var isWaiting: Bool { if case .waiting = self { return true } else { return false } }
    }

    private struct ClientRequest {
        let client: Int
        /// The number of the level that sent it (1 for the first).
        let level: Int
        let seq: Int
        let promptIndex: Int
        let promptTokens: Int
        let outputTokens: Int
        /// The system prompt it shares with others, which the engine's prefix cache may serve.
        let prefix: SharedPrefix?
        /// In a session sweep: its turn in its conversation, which of its opener's later turns it
        /// is (nil for a dataset prompt), and the history before it.
        let turn: Int?
        let laterTurn: Int?
        let session: SessionHistory?
        /// The thinking before the answer, for a reasoning model; nil for one that answers at once.
        let reasoningTokens: Int?
        let recorded: LevelRecorder.SentRequest
        let sentAt: Int64
        let downlinkDelay: Int64
        var firstTokenAt: Int64?
        var firstAnswerAt: Int64?
        /// When the latest token reached the client, and the gaps between tokens (recorded only on request).
        var lastTokenAt: Int64?
        var interTokenGaps: [Int64] = []
        var outcome = Outcome.ok
        /// The failure's finer category, where the server named one.
        var fault: Fault?
        var completionTokens = 0
        var cachedTokens: Int?
        var isDone = false
    }

    /// The level being run and what belongs to it alone.
    private struct RunningLevel {
        let number: Int
        let level: Level
        var recorder: LevelRecorder
        var clientSequence: [Int]
        var promptOrder: [Int]
        var networkRandom: SeededRandom
        var lengthRandom: SeededRandom
        /// Draws the thinking of a reasoning model's answers (a stream of its own: a model that
        /// does not reason draws nothing from it).
        var reasoningRandom: SeededRandom
        /// Draws the think times between a conversation's turns.
        var thinkRandom: SeededRandom
        /// The staggered start: the idle clients still to start, in order, and whether the next
        /// one's start is already scheduled.
        var clientsToStart: [Int]
        /// Requests the level has sent: the next one's place in the prompt order.
        var sent = 0
        var nextClientScheduled = false
        /// Whether a deadline waits to start the next client if no response begins first.
        var startDeadlineArmed = false
        /// Until the level starts its first client: the client that stays whose responses may
        /// start it (see `StaggeredStart.phaseReference`); nil for any.
        var phaseReference: Int?
        /// False until every client the level added has started.
        var atFullLoad = false
        var events = 0
        let preemptionsAtStart: Int
    }

    private var server: Server
    private let settings: LoadSettings
    private let network: NetworkModel
    private let outputLength: OutputLengthModel
    private let reasoning: OutputLengthModel?
    private let retryAfter: Int64
    private let timeout: Int64
    private let thinkTime: Int64

    private var queue = EventQueue<Event>()
    private var requests: [ClientRequest] = []
    private var clients: [ClientState] = []
    /// In a session sweep, each client's conversation in progress; nil before its first turn.
    private var conversations: [SimulatedConversation?] = []
    /// In a session sweep, the clients pausing between turns (not after a 429): users at work.
    private var thinking: [Bool] = []
    private var conversationsStarted = 0
    private var notices: [ServerNotice] = []
    private var scheduledWakeup: Int64?
    /// Requests that may still be open, in the order they were sent: with one timeout for all,
    /// also the order of their deadlines. One event waits for the oldest's deadline, where an
    /// event per request would fill the queue with the deadlines of requests long finished
    /// (hundreds of thousands at a hosted API's rate), since the simulation now runs on across levels.
    private var openInSendOrder = RingDeque<Int>()
    private var timeoutCheckScheduled = false
    private var levelsRun = 0
    /// When the latest client started, at this level or an earlier one: the staggered start goes
    /// on across levels, so a client a level adds starts as the response to a request sent since
    /// then begins, whoever sent it.
    private var latestStart: Int64 = 0
    /// When each client last started, for the phase reference of a level that adds clients.
    private var clientStarts: [Int64] = []
    private var current: RunningLevel!
    /// The simulation's clock (ns on the sweep's clock): where the last level ended.
    private var clock: Int64

    init(server: Server, endpoint: SimulatedEndpoint, settings: LoadSettings, startTime: Int64 = 0) {
        self.server = server
        self.settings = settings
        network = endpoint.network
        outputLength = endpoint.outputLength
        reasoning = endpoint.reasoning
        retryAfter = Int64(endpoint.faults.retryAfterSeconds * 1e9)
        timeout = Int64(settings.requestTimeoutSeconds * 1e9)
        thinkTime = Int64(settings.thinkTimeSeconds * 1e9)
        clock = startTime
    }

    /// Runs `level` from where the last level left the endpoint, until `rule` closes its window
    /// and its measured requests have finished. Everything random the level adds follows from `seed`.
    func run(_ level: Level, until rule: StopRule, seed: UInt64) throws -> SimulatedLevel {
        levelsRun += 1
        let concurrency = level.concurrency
        if clients.count < concurrency {
            clients += Array(repeating: .idle, count: concurrency - clients.count)
            clientStarts += Array(repeating: .min, count: concurrency - clientStarts.count)
            conversations += Array(repeating: nil, count: concurrency - conversations.count)
            thinking += Array(repeating: false, count: concurrency - thinking.count)
        }
        retireClients(from: concurrency, at: clock)
        // Every request in flight has a client waiting for it.
        let carried = clients.count(where: \.isWaiting)
        var orderRandom = SeededRandom(seed: derivedSeed(seed, 3))
        var promptOrder = Array(settings.prompts.indices)
        for index in stride(from: promptOrder.count - 1, to: 0, by: -1) {
            promptOrder.swapAt(index, orderRandom.nextInt(below: index + 1))
        }
        current = RunningLevel(
            number: levelsRun, level: level,
            recorder: LevelRecorder(
                level: level, rule: rule, startedAt: clock, staggeredStart: true, carriedRequests: carried,
                thinkingUsers: settings.sessions == nil ? nil : thinking.count { $0 }),
            clientSequence: Array(repeating: 0, count: concurrency), promptOrder: promptOrder,
            networkRandom: SeededRandom(seed: derivedSeed(seed, 1)), lengthRandom: SeededRandom(seed: derivedSeed(seed, 2)),
            reasoningRandom: SeededRandom(seed: derivedSeed(seed, 5)), thinkRandom: SeededRandom(seed: derivedSeed(seed, 6)),
            clientsToStart: (0..<concurrency).filter { clients[$0].isIdle },
            preemptionsAtStart: server.counters.preemptions)
        // An idle endpoint gets its first client at once; one with clients that stay (sending, or
        // about to: the level before ended as one of them got its answer) gets
        // its first new client as a response begins, as every later one does, and at the latest
        // the longest gap after a client that stays sends (`send`): started at once, it would fall
        // in step with a client that stays (on prompts and answers of one length, for good: two
        // clients that prefill together do so at every request).
        if current.clientsToStart.count == concurrency {
            startNextClient(at: clock)
        } else {
            current.phaseReference = StaggeredStart.phaseReference(
                among: (0..<concurrency).filter { !clients[$0].isIdle }, startedAt: { clientStarts[$0] })
        }
        reachFullLoadIfReady(at: clock)
        // A level that runs a simulated year has a configuration error (a timeout of forever on a
        // server that never answers); stop rather than spin.
        let limit = clock + 365 * 24 * 3600 * 1_000_000_000
        while let (time, event) = queue.pop() {
            current.events += 1
            guard time < limit else { throw SimulationError.runaway(level: concurrency) }
            // An interrupted sweep (Ctrl-C) stops within the level, as a live one does: a long level
            // can take a minute of wall time. Checked every few thousand events, which cost microseconds.
            if current.events & 0xFFF == 0, Task.isCancelled { throw CancellationError() }
            clock = time
            current.recorder.advanceClock(to: time)
            handle(event, at: time)
            if current.recorder.isComplete {
                var counters = ServerCounters()
                counters.preemptions = server.counters.preemptions - current.preemptionsAtStart
                return SimulatedLevel(run: current.recorder.finish(endedAt: time), counters: counters, events: current.events)
            }
        }
        throw SimulationError.runaway(level: concurrency)
    }

    // MARK: - Events

    private func handle(_ event: Event, at now: Int64) {
        switch event {
        case .send(let client):
            guard case .pausing = clients[client] else { return }
            if thinking[client] {
                thinking[client] = false
                current.recorder.thinkingEnded(at: now)
            }
            send(from: client, at: now)
        case .arrive(let request):
            guard !requests[request].isDone else { return }
            let sent = requests[request]
            server.arrive(
                ServerRequest(
                    id: request, promptTokens: sent.promptTokens, outputTokens: sent.outputTokens, prefix: sent.prefix,
                    session: sent.session, reasoningTokens: sent.reasoningTokens ?? 0), at: now,
                notices: &notices)
            deliverNotices()
        case .wake:
            guard server.nextWakeup == now else { return }
            scheduledWakeup = nil
            server.wake(at: now, notices: &notices)
            deliverNotices()
        case .respond(let request):
            finish(request, at: now)
        case .timeoutCheck:
            timeoutCheckScheduled = false
            timeOutExpiredRequests(at: now)
        case .startClient(let level):
            if level == current.number { startNextClient(at: now) }
        case .startDeadline(let level, let client):
            if level == current.number, current.clientsToStart.first == client, !current.nextClientScheduled { startNextClient(at: now) }
        }
    }

    // MARK: - Level changes

    /// Starts the level's next idle client, if any, and arms the deadline for the one after.
    private func startNextClient(at now: Int64) {
        guard !current.clientsToStart.isEmpty else { return }
        let client = current.clientsToStart.removeFirst()
        current.nextClientScheduled = false
        latestStart = now
        clientStarts[client] = now
        current.phaseReference = nil
        send(from: client, at: now)
        if current.clientsToStart.isEmpty {
            reachFullLoadIfReady(at: now)
        } else {
            armStartDeadline(at: now)
        }
    }

    /// The next client starts the longest gap after `now` if no response begins first.
    private func armStartDeadline(at now: Int64) {
        guard let next = current.clientsToStart.first else { return }
        current.startDeadlineArmed = true
        queue.schedule(.startDeadline(level: current.number, client: next), at: now + StaggeredStart.longestGap(clients: current.level.concurrency))
    }

    /// The response to a request sent at `sentAt` began to reach its client at `time`: the next
    /// client, if any, starts then if the rule says so.
    private func responseBegan(toRequestSentAt sentAt: Int64, by client: Int, at time: Int64) {
        guard !current.clientsToStart.isEmpty, !current.nextClientScheduled,
            StaggeredStart.startsNextClient(responseToRequestSentAt: sentAt, latestStart: latestStart),
            current.phaseReference.map({ $0 == client }) ?? true
        else { return }
        current.nextClientScheduled = true
        queue.schedule(.startClient(level: current.number), at: time)
    }

    /// A smaller level stops the clients it does not have at once, abandoning their requests in
    /// flight (as the live load generator closes their connections, which an engine takes for an
    /// abort): they belong to the level before, which no longer records them, and waiting for the
    /// slowest of them would hold the new level above its load for a whole request time.
    private func retireClients(from concurrency: Int, at now: Int64) {
        for client in concurrency..<max(concurrency, clients.count) {
            if case .waiting(let request) = clients[client] {
                requests[request].isDone = true
                requests[request].interTokenGaps = []
                server.abort(request: request, at: now)
            }
            clients[client] = .idle
            conversations[client] = nil
            thinking[client] = false
        }
        scheduleWakeup()
    }

    /// Tells the recorder the level runs at its full load, once every client it added has started.
    private func reachFullLoadIfReady(at now: Int64) {
        guard !current.atFullLoad, current.clientsToStart.isEmpty else { return }
        current.atFullLoad = true
        current.recorder.lastClientStarted(at: now)
    }

    // MARK: - Requests

    private func send(from client: Int, at now: Int64) {
        let id = requests.count
        let (promptIndex, laterTurn) = nextPrompt(of: client)
        let prompt = turnPrompt(promptIndex, laterTurn: laterTurn)
        // A reasoning model thinks first; its thinking counts in the cap, as vLLM counts it.
        let reasoningTokens = reasoning.map { $0.draw(&current.reasoningRandom) }
        let output = answerLength(promptIndex, laterTurn: laterTurn).length(
            natural: outputLength.draw(&current.lengthRandom) + (reasoningTokens ?? 0), cap: prompt.maxOutputTokens ?? settings.maxOutputTokens)
        let uplink = oneWayDelay()
        var promptTokens = prompt.promptTokens
        var prefix = prompt.sharedPrefix
        var session: SessionHistory?
        if settings.sessions != nil {
            let conversation = nextTurn(of: client, promptIndex: promptIndex)
            let added = laterTurn == nil ? settings.followUpTokens[promptIndex] : prompt.promptTokens
            promptTokens = conversation.turnsSent == 1 ? prompt.promptTokens : conversation.historyTokens + added
            prefix = conversation.prefix
            session = SessionHistory(session: conversation.number, tokens: conversation.historyTokens)
        }
        requests.append(ClientRequest(
            client: client, level: current.number, seq: current.clientSequence[client], promptIndex: promptIndex,
            promptTokens: promptTokens, outputTokens: output, prefix: prefix, turn: session == nil ? nil : conversations[client]?.turnsSent,
            laterTurn: laterTurn, session: session, reasoningTokens: reasoningTokens, recorded: current.recorder.requestSent(at: now), sentAt: now,
            downlinkDelay: oneWayDelay()))
        current.clientSequence[client] += 1
        clients[client] = .waiting(request: id)
        if !current.startDeadlineArmed { armStartDeadline(at: now) }
        queue.schedule(.arrive(request: id), at: now + uplink)
        openInSendOrder.append(id)
        scheduleTimeoutCheck()
    }

    /// The prompt `client` sends next: the order's next, or in a session sweep its conversation's
    /// own later turn while it has one (its opener's, `Prompt.laterTurns`), which takes none of the order's.
    private func nextPrompt(of client: Int) -> (promptIndex: Int, laterTurn: Int?) {
        if settings.sessions != nil, let conversation = conversations[client],
            conversation.turnsSent - 1 < settings.prompts[conversation.openerIndex].laterTurns.count {
            return (conversation.openerIndex, conversation.turnsSent - 1)
        }
        defer { current.sent += 1 }
        return (current.promptOrder[current.sent % current.promptOrder.count], nil)
    }

    /// The prompt a request adds: the dataset's, or its opener's later turn `laterTurn`.
    private func turnPrompt(_ promptIndex: Int, laterTurn: Int?) -> Prompt {
        laterTurn.map { settings.prompts[promptIndex].laterTurns[$0] } ?? settings.prompts[promptIndex]
    }

    /// What a request's line asks of its answer's length (read once for the dataset's prompts).
    private func answerLength(_ promptIndex: Int, laterTurn: Int?) -> AnswerLengthRequest {
        laterTurn.map { AnswerLengthRequest(settings.prompts[promptIndex].laterTurns[$0].requestFields) } ?? settings.answerLengths[promptIndex]
    }

    /// Ends every open request whose timeout has come as `timeout`, aborting it on the server, and
    /// waits for the next deadline.
    private func timeOutExpiredRequests(at now: Int64) {
        while let oldest = openInSendOrder.first, requests[oldest].isDone || requests[oldest].sentAt + timeout <= now {
            openInSendOrder.removeFirst()
            guard !requests[oldest].isDone else { continue }
            requests[oldest].outcome = .timeout
            requests[oldest].fault = .requestTimeout
            requests[oldest].completionTokens = 0
            server.abort(request: oldest, at: now)
            finish(oldest, at: now)
            scheduleWakeup()
        }
        scheduleTimeoutCheck()
    }

    private func scheduleTimeoutCheck() {
        guard !timeoutCheckScheduled, let oldest = openInSendOrder.first else { return }
        timeoutCheckScheduled = true
        queue.schedule(.timeoutCheck, at: requests[oldest].sentAt + timeout)
    }

    /// Turns what the server reported into client-side times, a downlink delay later.
    private func deliverNotices() {
        for notice in notices {
            switch notice {
            case .firstToken(let request, let time):
                let arrival = time + requests[request].downlinkDelay
                requests[request].firstTokenAt = arrival
                requests[request].lastTokenAt = arrival
                if requests[request].level == current.number {
                    current.recorder.firstTokenArrived(requests[request].recorded, at: arrival)
                }
                responseBegan(toRequestSentAt: requests[request].sentAt, by: requests[request].client, at: arrival)
            case .firstAnswerToken(let request, let time):
                requests[request].firstAnswerAt = time + requests[request].downlinkDelay
            case .token(let request, let time):
                let arrival = time + requests[request].downlinkDelay
                if let last = requests[request].lastTokenAt { requests[request].interTokenGaps.append(arrival - last) }
                requests[request].lastTokenAt = arrival
            case .finished(let request, let time, let completionTokens, let cachedTokens):
                requests[request].completionTokens = completionTokens
                requests[request].cachedTokens = cachedTokens
                queue.schedule(.respond(request: request), at: time + requests[request].downlinkDelay)
            case .rejected(let request, let time, let outcome, let fault):
                requests[request].outcome = outcome
                requests[request].fault = fault
                queue.schedule(.respond(request: request), at: time + requests[request].downlinkDelay)
            }
        }
        notices.removeAll(keepingCapacity: true)
        scheduleWakeup()
    }

    private func scheduleWakeup() {
        guard let wakeup = server.nextWakeup, wakeup != scheduledWakeup else { return }
        scheduledWakeup = wakeup
        queue.schedule(.wake, at: wakeup)
    }

    /// The client has the whole response (or gave up): the level that sent the request records
    /// it (a later level only counts its end), and the client sends its next one, or retires.
    private func finish(_ id: Int, at now: Int64) {
        guard !requests[id].isDone else { return }
        requests[id].isDone = true
        let request = requests[id]
        requests[id].interTokenGaps = []
        if request.firstTokenAt == nil { responseBegan(toRequestSentAt: request.sentAt, by: request.client, at: now) }
        if request.level == current.number {
            current.recorder.requestFinished(sample(of: request, finishedAt: now), request.recorded)
        } else {
            current.recorder.carriedRequestFinished(at: now)
        }
        clients[request.client] = .pausing
        var pause = thinkTime + (request.outcome == .http429 ? retryAfter : 0)
        if let think = conversationGoesOn(after: request) {
            pause += think
            thinking[request.client] = true
            current.recorder.thinkingBegan(at: now)
        }
        queue.schedule(.send(client: request.client), at: now + pause)
    }

    // MARK: - Sessions

    /// A client's conversation, as far as the engine is concerned: token counts, not text.
    private struct SimulatedConversation {
        let number: Int
        /// The dataset prompt that opened it, whose later turns it sends first.
        let openerIndex: Int
        var turnsSent: Int
        /// The tokens of the turns sent and their replies, before the next turn's prompt.
        var historyTokens: Int
        /// The system prompt of its opening prompt, at the start of every turn.
        let prefix: SharedPrefix?
    }

    /// The conversation `client` sends its next turn in: the one it holds, or a new one that
    /// `promptIndex` opens.
    private func nextTurn(of client: Int, promptIndex: Int) -> SimulatedConversation {
        if var conversation = conversations[client] {
            conversation.turnsSent += 1
            conversations[client] = conversation
            return conversation
        }
        conversationsStarted += 1
        let opened = SimulatedConversation(
            number: conversationsStarted, openerIndex: promptIndex, turnsSent: 1, historyTokens: 0, prefix: settings.prompts[promptIndex].sharedPrefix)
        conversations[client] = opened
        return opened
    }

    /// After `request`, a turn of a conversation: the history it leaves and the think time before
    /// the next turn (ns), or nil at the conversation's end (after its last turn, or a failed one).
    private func conversationGoesOn(after request: ClientRequest) -> Int64? {
        guard let sessions = settings.sessions, let turn = request.turn else { return nil }
        guard request.outcome.isSuccess, turn < sessions.turns, conversations[request.client] != nil else {
            conversations[request.client] = nil
            return nil
        }
        conversations[request.client]!.historyTokens = request.promptTokens + request.completionTokens
        return sessions.drawThinkTime(&current.thinkRandom)
    }

    private func sample(of request: ClientRequest, finishedAt now: Int64) -> Sample {
        let succeeded = request.outcome.isSuccess
        let firstToken = succeeded ? request.firstTokenAt : request.firstTokenAt.flatMap { $0 <= now ? $0 : nil }
        let gaps = settings.recordsInterTokenGaps && succeeded
            ? Self.allGaps(request.interTokenGaps, after: request.lastTokenAt, until: now, tokens: request.completionTokens) : nil
        return Sample(
            level: current.level.concurrency, client: request.client, seq: request.seq, promptIndex: request.promptIndex,
            sentAt: request.sentAt, firstTokenAt: firstToken, finishedAt: now, promptTokens: request.promptTokens,
            completionTokens: succeeded ? request.completionTokens : 0,
            tokensSource: succeeded ? .server : .estimate, outcome: request.outcome, phase: request.recorded.phase,
            interTokenGaps: gaps, fault: request.fault,
            retryAfter: request.outcome == .http429 ? retryAfter : nil, cachedTokens: succeeded ? request.cachedTokens : nil,
            firstAnswerAt: succeeded ? request.firstAnswerAt : nil,
            reasoningTokens: succeeded ? request.reasoningTokens.map { min($0, request.completionTokens) } : nil,
            askedTokens: answerLength(request.promptIndex, laterTurn: request.laterTurn)
                .asked(cap: turnPrompt(request.promptIndex, laterTurn: request.laterTurn).maxOutputTokens ?? settings.maxOutputTokens),
            turn: request.turn)
    }

    /// A request's gaps: those its tokens were reported with, and, for tokens the model did not
    /// report one by one (a hosted API draws its speed once), gaps spread evenly to the end.
    private static func allGaps(_ reported: [Int64], after last: Int64?, until end: Int64, tokens: Int) -> [Int64] {
        let missing = tokens - 1 - reported.count
        guard missing > 0, let last else { return reported }
        var gaps = reported
        var previous = last
        for index in 1...missing {
            let time = last + (end - last) * Int64(index) / Int64(missing)
            gaps.append(time - previous)
            previous = time
        }
        return gaps
    }

    private func oneWayDelay() -> Int64 {
        let half = network.roundTripSeconds / 2
        let delay = network.jitterSigma > 0
            ? half * current.networkRandom.nextLogNormal(mu: 0, sigma: network.jitterSigma) : half
        return Int64((delay * 1e9).rounded())
    }
}

/// Why a simulation could not finish a level.
public enum SimulationError: Error, Equatable, CustomStringConvertible {
    case runaway(level: Int)

    public var description: String {
        switch self {
        case .runaway(let level):
            return "the simulation of concurrency \(level) ran a simulated year without finishing its level; check the request timeout and the preset"
        }
    }
}
