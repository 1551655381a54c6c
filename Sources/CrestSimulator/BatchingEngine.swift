import Crest
import Foundation

/// A vLLM-like continuous-batching engine (../research/algorithms.md §4.2): FCFS admission up to
/// max_num_seqs while KV blocks last, chunked prefill under a token budget, one token per running
/// sequence per step, and preemption by recompute (the newest sequence gives back its blocks and
/// waits at the front of the queue) when a decode finds the cache full. Steps are planned as
/// vLLM V1 plans them (see `startStep`).
struct BatchingEngine: ServingModel {
    private enum Status { case waiting, running, finished, aborted }

    private struct Sequence {
        let promptTokens: Int
        let outputTokens: Int
        var generated = 0
        /// Tokens still to prefill: the prompt, or after a preemption the prompt plus all generated.
        var prefillLeft = 0
        var blocks = 0
        var status = Status.waiting
        var hasFirstToken = false

        /// Tokens in the sequence's context: prompt plus generated.
        var context: Int { promptTokens + generated }
    }

    private let configuration: BatchingEngineConfiguration
    private let faults: FaultModel
    private var random: SeededRandom
    /// Indexed by request id less `sequenceBase`; ids yet to arrive hold nil. Ended
    /// sequences at the front are forgotten now and then (`forgetEndedSequences`), so a server that
    /// runs for days (`crest serve`) keeps a table the size of its recent requests, not of all of them.
    private var sequences: [Sequence?] = []
    private var sequenceBase = 0
    /// The table's length: what the engine still holds of its requests.
    var sequencesHeld: Int { sequences.count }
    /// How many sequences at the front of the table have ended (finished, aborted or refused).
    private var endedPrefix = 0
    /// Running sequences in admission order: preemption takes from the back.
    private var running: [Int] = []
    private var waiting = RingDeque<Int>()
    private var freeBlocks: Int
    private let watermarkBlocks: Int
    private(set) var nextWakeup: Int64?
    private(set) var counters = ServerCounters()
    /// Report `.token` for every token after the first: costs a notice per token, so sweeps leave it off.
    var reportsEveryToken = false
    // The step in progress.
    private var stepDecodes: [Int] = []
    private var stepChunks: [(request: Int, tokens: Int)] = []

    init(configuration: BatchingEngineConfiguration, faults: FaultModel, seed: UInt64) {
        self.configuration = configuration
        self.faults = faults
        random = SeededRandom(seed: seed)
        freeBlocks = configuration.totalBlocks
        watermarkBlocks = Int((configuration.watermark * Double(configuration.totalBlocks)).rounded(.up))
    }

    // MARK: - Arrivals

    mutating func arrive(_ request: ServerRequest, at now: Int64, notices: inout [ServerNotice]) {
        // Rejections answer after the ~1 ms it takes a server to parse a request and refuse it.
        let answer = now + 1_000_000
        let model = configuration.stepTime.model
        if request.promptTokens + 1 > model.maxModelTokens || blocks(for: request.promptTokens + 1) > configuration.totalBlocks {
            notices.append(.rejected(request: request.id, time: answer, outcome: .http4xx))
            return store(Sequence(promptTokens: 0, outputTokens: 0, status: .aborted), of: request.id)
        }
        if let cap = faults.concurrencyCap, running.count + waiting.count >= cap {
            notices.append(.rejected(request: request.id, time: answer, outcome: .http429))
            return store(Sequence(promptTokens: 0, outputTokens: 0, status: .aborted), of: request.id)
        }
        let kvUse = 1 - Double(freeBlocks) / Double(configuration.totalBlocks)
        let errorChance = faults.errorProbability + faults.errorProbabilityPerKVOverload * max(0, kvUse - 0.95)
        if random.nextBool(probability: errorChance) {
            notices.append(.rejected(request: request.id, time: answer, outcome: .http5xx))
            return store(Sequence(promptTokens: 0, outputTokens: 0, status: .aborted), of: request.id)
        }
        // The context window caps the answer, as max_model_len does.
        let output = min(request.outputTokens, model.maxModelTokens - request.promptTokens)
        store(Sequence(promptTokens: request.promptTokens, outputTokens: output), of: request.id)
        waiting.append(request.id)
        if nextWakeup == nil { startStep(at: now) }
    }

    mutating func abort(request: Int, at now: Int64) {
        // An id below the table's base ended long ago.
        guard request >= sequenceBase, request - sequenceBase < sequences.count, let sequence = sequences[request - sequenceBase] else { return }
        switch sequence.status {
        case .waiting:
            waiting.removeFirst { $0 == request }
        case .running:
            running.removeAll { $0 == request }
            freeBlocks += sequence.blocks
        case .finished, .aborted:
            return
        }
        sequences[request - sequenceBase]!.status = .aborted
        sequences[request - sequenceBase]!.blocks = 0
    }

    // MARK: - Steps

    mutating func wake(at now: Int64, notices: inout [ServerNotice]) {
        guard nextWakeup == now else { return }
        for request in stepDecodes where sequences[request - sequenceBase]!.status == .running {
            sequences[request - sequenceBase]!.generated += 1
            if reportsEveryToken { notices.append(.token(request: request, time: now)) }
            finishIfDone(request, at: now, notices: &notices)
        }
        for (request, tokens) in stepChunks where sequences[request - sequenceBase]!.status == .running {
            sequences[request - sequenceBase]!.prefillLeft -= tokens
            guard sequences[request - sequenceBase]!.prefillLeft == 0 else { continue }
            // The step that completes a prefill also samples the next token.
            sequences[request - sequenceBase]!.generated += 1
            if !sequences[request - sequenceBase]!.hasFirstToken {
                sequences[request - sequenceBase]!.hasFirstToken = true
                notices.append(.firstToken(request: request, time: now))
            }
            finishIfDone(request, at: now, notices: &notices)
        }
        running.removeAll { sequences[$0 - sequenceBase]!.status != .running }
        nextWakeup = nil
        if !running.isEmpty || !waiting.isEmpty { startStep(at: now) }
    }

    func load(at now: Int64) -> ServerLoad {
        ServerLoad(
            running: running.count, waiting: waiting.count,
            kvCacheUsage: 1 - Double(freeBlocks) / Double(configuration.totalBlocks))
    }

    private mutating func finishIfDone(_ request: Int, at now: Int64, notices: inout [ServerNotice]) {
        let sequence = sequences[request - sequenceBase]!
        guard sequence.generated >= sequence.outputTokens else { return }
        freeBlocks += sequence.blocks
        sequences[request - sequenceBase]!.blocks = 0
        sequences[request - sequenceBase]!.status = .finished
        notices.append(.finished(request: request, time: now, completionTokens: sequence.generated))
    }

    /// Plans the next step the way vLLM V1's scheduler does: running sequences first (a decode
    /// token each, or their next prefill chunk), preempting the newest when a decode finds no free
    /// block; then, if nothing was preempted, waiting requests in FCFS order while the token budget,
    /// max_num_seqs and the KV cache allow. A request admitted now is prefilled now, so if the cache
    /// turns out too small for it a few steps later, its eviction wastes that prefill: the thrash
    /// that makes KV-bound engines lose throughput (vLLM #16941, #21809).
    private mutating func startStep(at now: Int64) {
        forgetEndedSequences()
        stepDecodes.removeAll(keepingCapacity: true)
        stepChunks.removeAll(keepingCapacity: true)
        var shape = StepShape()
        var budget = configuration.tokenBudget
        var preempted = false

        var index = 0
        while index < running.count && budget > 0 {
            let request = running[index]
            index += 1
            let sequence = sequences[request - sequenceBase]!
            if sequence.prefillLeft > 0 {
                addChunk(request, budget: &budget, shape: &shape)
                continue
            }
            if sequence.context % configuration.blockTokens == 0 {
                // The next token starts a new block; make room by preempting the newest sequences.
                while freeBlocks == 0, let victim = running.last {
                    preempt(victim)
                    preempted = true
                    if victim == request { break }
                }
                guard sequences[request - sequenceBase]!.status == .running else { break }
                freeBlocks -= 1
                sequences[request - sequenceBase]!.blocks += 1
            }
            stepDecodes.append(request)
            budget -= 1
            shape.contextTokensRead += sequence.context
        }
        if !preempted { admitWaiting(budget: &budget, shape: &shape) }

        guard !stepDecodes.isEmpty || !stepChunks.isEmpty else {
            nextWakeup = nil
            return
        }
        shape.sequences = stepDecodes.count + stepChunks.count
        shape.newTokens += stepDecodes.count
        nextWakeup = now + stepDuration(shape)
    }

    /// Schedules the next prefill chunk of `request`, as much as the token budget has left.
    private mutating func addChunk(_ request: Int, budget: inout Int, shape: inout StepShape) {
        let sequence = sequences[request - sequenceBase]!
        let chunk = min(sequence.prefillLeft, budget)
        let done = sequence.context - sequence.prefillLeft
        stepChunks.append((request, chunk))
        budget -= chunk
        shape.newTokens += chunk
        shape.contextTokensRead += done + chunk
        shape.prefillAttentionWork += Double(chunk) * (Double(done) + Double(chunk) / 2)
    }

    /// Admits waiting requests in FCFS order, allocating blocks for their whole context and keeping
    /// the watermark free (an empty engine takes any request that fits at all).
    private mutating func admitWaiting(budget: inout Int, shape: inout StepShape) {
        while budget > 0, let request = waiting.first, running.count < configuration.maxRunningSequences {
            let need = blocks(for: sequences[request - sequenceBase]!.context)
            guard freeBlocks - need >= watermarkBlocks || running.isEmpty && need <= freeBlocks else { break }
            waiting.removeFirst()
            freeBlocks -= need
            sequences[request - sequenceBase]!.blocks = need
            sequences[request - sequenceBase]!.prefillLeft = sequences[request - sequenceBase]!.context
            sequences[request - sequenceBase]!.status = .running
            running.append(request)
            addChunk(request, budget: &budget, shape: &shape)
        }
    }

    /// vLLM's recompute preemption: free the sequence's blocks, keep what it generated, and put it
    /// back at the front of the queue to prefill its prompt and output again.
    private mutating func preempt(_ request: Int) {
        running.removeLast()
        freeBlocks += sequences[request - sequenceBase]!.blocks
        sequences[request - sequenceBase]!.blocks = 0
        sequences[request - sequenceBase]!.prefillLeft = 0
        sequences[request - sequenceBase]!.status = .waiting
        waiting.prepend(request)
        counters.preemptions += 1
    }

    private mutating func stepDuration(_ shape: StepShape) -> Int64 {
        var seconds = configuration.stepTime.seconds(for: shape)
        let sigma = configuration.stepJitterSigma
        if sigma > 0 { seconds *= random.nextLogNormal(mu: -sigma * sigma / 2, sigma: sigma) }
        if random.nextBool(probability: configuration.stallProbability) {
            seconds += random.nextExponential(mean: configuration.stallMeanSeconds)
        }
        return max(1, Int64((seconds * 1e9).rounded()))
    }

    /// Puts `sequence` in the table at `id` (a refused request as an ended one, so the table's
    /// front can be forgotten past it; a slot still nil is a request yet to arrive).
    private mutating func store(_ sequence: Sequence, of id: Int) {
        let index = id - sequenceBase
        if sequences.count <= index { sequences.append(contentsOf: repeatElement(nil, count: index + 1 - sequences.count)) }
        sequences[index] = sequence
    }

    /// Drops the ended sequences at the front of the table once they are at least 4,096 and half
    /// of it. Called as a step is planned, when no step in progress names a sequence any more and
    /// `running` and `waiting` hold only live ones.
    private mutating func forgetEndedSequences() {
        while endedPrefix < sequences.count, let sequence = sequences[endedPrefix], sequence.status == .finished || sequence.status == .aborted {
            endedPrefix += 1
        }
        guard endedPrefix >= 4096, endedPrefix * 2 >= sequences.count else { return }
        sequences.removeFirst(endedPrefix)
        sequenceBase += endedPrefix
        endedPrefix = 0
    }

    private func blocks(for tokens: Int) -> Int {
        (tokens + configuration.blockTokens - 1) / configuration.blockTokens
    }
}
