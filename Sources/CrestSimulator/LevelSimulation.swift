import Crest
import Foundation

/// The settings of one simulated level that do not belong to the endpoint: the load and the client.
struct LevelSettings {
    let level: Level
    let rule: StopRule
    let prompts: [Prompt]
    /// The output cap for prompts that set none; nil for none.
    let maxOutputTokens: Int?
    /// The client's request timeout; a request still open then ends as `timeout` and is aborted.
    let requestTimeoutSeconds: Double
    /// How long a client waits between a response and its next request (Z of a closed system).
    let thinkTimeSeconds: Double
    /// When the level starts on the sweep's clock (ns).
    let startTime: Int64
    let seed: UInt64
    /// Record each request's inter-token gaps (costs a notice per token; off unless a budget needs ITL).
    let recordsInterTokenGaps: Bool
}

/// What the simulator did during one level, besides the samples.
public struct SimulatedLevel: Sendable {
    public let run: LevelRun
    public let counters: ServerCounters
    /// Events the simulation processed: a measure of its own work, for the speed benchmark.
    public let events: Int
}

/// One level of closed-loop load against a simulated endpoint, in virtual time.
///
/// N clients start one by one (see `run()`); each sends a request, waits for the whole response (or
/// an error, or its timeout), and sends the next after the think time (zero by default; after a
/// 429, once the Retry-After has passed too). Requests cross the network with a per-request delay
/// each way; the server is a `ServingModel`.
final class LevelSimulation<Server: ServingModel> {
    private enum Event {
        case send(client: Int)
        case arrive(request: Int)
        case wake
        case respond(request: Int)
        case timeout(request: Int)
        /// The staggered start's next client starts (if it has not already).
        case startClient(Int)
        /// The longest wait for a response before the next client starts anyway.
        case startDeadline(client: Int)
    }

    private struct ClientRequest {
        let client: Int
        let seq: Int
        let promptIndex: Int
        let promptTokens: Int
        let outputTokens: Int
        let recorded: LevelRecorder.SentRequest
        let sentAt: Int64
        let downlinkDelay: Int64
        var firstTokenAt: Int64?
        /// When the latest token reached the client, and the gaps between tokens (recorded only on request).
        var lastTokenAt: Int64?
        var interTokenGaps: [Int64] = []
        var outcome = Outcome.ok
        var completionTokens = 0
        var isDone = false
    }

    private var server: Server
    private let settings: LevelSettings
    private let network: NetworkModel
    private var outputLength: OutputLengthModel
    private let retryAfter: Int64
    private let timeout: Int64
    private let thinkTime: Int64

    private var queue = EventQueue<Event>()
    private var requests: [ClientRequest] = []
    private var clientSequence: [Int]
    private var promptOrder: [Int]
    private var recorder: LevelRecorder
    private var scheduledWakeup: Int64?
    private var notices: [ServerNotice] = []
    private var networkRandom: SeededRandom
    private var lengthRandom: SeededRandom
    private var events = 0
    /// The staggered start: the next client to start, whether its start is already scheduled, and
    /// when the latest client started.
    private var nextClient = 0
    private var nextClientScheduled = false
    private var latestStart: Int64 = 0

    init(server: Server, endpoint: SimulatedEndpoint, settings: LevelSettings) {
        self.server = server
        self.settings = settings
        network = endpoint.network
        outputLength = endpoint.outputLength
        retryAfter = Int64(endpoint.faults.retryAfterSeconds * 1e9)
        timeout = Int64(settings.requestTimeoutSeconds * 1e9)
        thinkTime = Int64(settings.thinkTimeSeconds * 1e9)
        clientSequence = Array(repeating: 0, count: settings.level.concurrency)
        recorder = LevelRecorder(level: settings.level, rule: settings.rule, startedAt: settings.startTime, staggeredStart: true)
        networkRandom = SeededRandom(seed: derivedSeed(settings.seed, 1))
        lengthRandom = SeededRandom(seed: derivedSeed(settings.seed, 2))
        var orderRandom = SeededRandom(seed: derivedSeed(settings.seed, 3))
        promptOrder = Array(settings.prompts.indices)
        for index in stride(from: promptOrder.count - 1, to: 0, by: -1) {
            promptOrder.swapAt(index, orderRandom.nextInt(below: index + 1))
        }
    }

    /// Runs the level until its window has closed and every measured request has finished. The
    /// clients start one by one, as `StaggeredStart` says.
    func run() throws -> SimulatedLevel {
        startClient(0, at: 0)
        // A level that runs a simulated year has a configuration error (a timeout of forever on a
        // server that never answers); stop rather than spin.
        let limit: Int64 = 365 * 24 * 3600 * 1_000_000_000
        while let (time, event) = queue.pop() {
            events += 1
            guard time < limit else { throw SimulationError.runaway(level: settings.level.concurrency) }
            // An interrupted sweep (Ctrl-C) stops within the level, as a live one does: a long level
            // can take a minute of wall time. Checked every few thousand events, which cost microseconds.
            if events & 0xFFF == 0, Task.isCancelled { throw CancellationError() }
            recorder.advanceClock(to: settings.startTime + time)
            handle(event, at: time)
            if recorder.isComplete {
                return SimulatedLevel(run: recorder.finish(endedAt: settings.startTime + time), counters: server.counters, events: events)
            }
        }
        throw SimulationError.runaway(level: settings.level.concurrency)
    }

    // MARK: - Events

    private func handle(_ event: Event, at now: Int64) {
        switch event {
        case .send(let client):
            send(from: client, at: now)
        case .arrive(let request):
            guard !requests[request].isDone else { return }
            let sent = requests[request]
            server.arrive(
                ServerRequest(id: request, promptTokens: sent.promptTokens, outputTokens: sent.outputTokens), at: now,
                notices: &notices)
            deliverNotices()
        case .wake:
            guard server.nextWakeup == now else { return }
            scheduledWakeup = nil
            server.wake(at: now, notices: &notices)
            deliverNotices()
        case .respond(let request):
            finish(request, at: now)
        case .timeout(let request):
            guard !requests[request].isDone else { return }
            requests[request].outcome = .timeout
            requests[request].completionTokens = 0
            server.abort(request: request, at: now)
            finish(request, at: now)
            scheduleWakeup()
        case .startClient(let client):
            if client == nextClient { startClient(client, at: now) }
        case .startDeadline(let client):
            if client == nextClient, !nextClientScheduled { startClient(client, at: now) }
        }
    }

    // MARK: - Staggered start

    private func startClient(_ client: Int, at now: Int64) {
        send(from: client, at: now)
        nextClient = client + 1
        nextClientScheduled = false
        latestStart = now
        if nextClient < settings.level.concurrency {
            queue.schedule(.startDeadline(client: nextClient), at: now + StaggeredStart.longestGap(clients: settings.level.concurrency))
        } else {
            recorder.lastClientStarted(at: settings.startTime + now)
        }
    }

    /// The response to a request sent at `sentAt` began to reach its client at `time`: the next
    /// client, if any, starts then if the rule says so.
    private func responseBegan(toRequestSentAt sentAt: Int64, at time: Int64) {
        guard nextClient < settings.level.concurrency, !nextClientScheduled,
            StaggeredStart.startsNextClient(responseToRequestSentAt: sentAt, latestStart: latestStart)
        else { return }
        nextClientScheduled = true
        queue.schedule(.startClient(nextClient), at: time)
    }

    private func send(from client: Int, at now: Int64) {
        let id = requests.count
        let promptIndex = promptOrder[id % promptOrder.count]
        let prompt = settings.prompts[promptIndex]
        var output = outputLength.draw(&lengthRandom)
        if let cap = prompt.maxOutputTokens ?? settings.maxOutputTokens { output = min(output, cap) }
        let uplink = oneWayDelay()
        requests.append(ClientRequest(
            client: client, seq: clientSequence[client], promptIndex: promptIndex, promptTokens: prompt.promptTokens,
            outputTokens: output, recorded: recorder.requestSent(at: settings.startTime + now), sentAt: now,
            downlinkDelay: oneWayDelay()))
        clientSequence[client] += 1
        queue.schedule(.arrive(request: id), at: now + uplink)
        queue.schedule(.timeout(request: id), at: now + timeout)
    }

    /// Turns what the server reported into client-side times, a downlink delay later.
    private func deliverNotices() {
        for notice in notices {
            switch notice {
            case .firstToken(let request, let time):
                let arrival = time + requests[request].downlinkDelay
                requests[request].firstTokenAt = arrival
                requests[request].lastTokenAt = arrival
                recorder.firstTokenArrived(requests[request].recorded, at: settings.startTime + arrival)
                responseBegan(toRequestSentAt: requests[request].sentAt, at: arrival)
            case .token(let request, let time):
                let arrival = time + requests[request].downlinkDelay
                if let last = requests[request].lastTokenAt { requests[request].interTokenGaps.append(arrival - last) }
                requests[request].lastTokenAt = arrival
            case .finished(let request, let time, let completionTokens):
                requests[request].completionTokens = completionTokens
                queue.schedule(.respond(request: request), at: time + requests[request].downlinkDelay)
            case .rejected(let request, let time, let outcome):
                requests[request].outcome = outcome
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

    /// The client has the whole response (or gave up): record the sample and send the next request.
    private func finish(_ id: Int, at now: Int64) {
        guard !requests[id].isDone else { return }
        requests[id].isDone = true
        let request = requests[id]
        let succeeded = request.outcome.isSuccess
        let firstToken = succeeded ? request.firstTokenAt : request.firstTokenAt.flatMap { $0 <= now ? $0 : nil }
        if request.firstTokenAt == nil { responseBegan(toRequestSentAt: request.sentAt, at: now) }
        let gaps = settings.recordsInterTokenGaps && succeeded
            ? Self.allGaps(request.interTokenGaps, after: request.lastTokenAt, until: now, tokens: request.completionTokens) : nil
        recorder.requestFinished(Sample(
            level: settings.level.concurrency, client: request.client, seq: request.seq, promptIndex: request.promptIndex,
            sentAt: settings.startTime + request.sentAt, firstTokenAt: firstToken.map { settings.startTime + $0 },
            finishedAt: settings.startTime + now, promptTokens: request.promptTokens,
            completionTokens: succeeded ? request.completionTokens : 0,
            tokensSource: succeeded ? .server : .estimate, outcome: request.outcome, phase: request.recorded.phase,
            interTokenGaps: gaps, fault: request.outcome == .timeout ? .requestTimeout : nil,
            retryAfter: request.outcome == .http429 ? retryAfter : nil),
            request.recorded)
        let pause = thinkTime + (request.outcome == .http429 ? retryAfter : 0)
        queue.schedule(.send(client: request.client), at: now + pause)
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
            ? half * networkRandom.nextLogNormal(mu: 0, sigma: network.jitterSigma) : half
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
