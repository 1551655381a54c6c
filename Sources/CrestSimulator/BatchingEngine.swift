import Crest
import Foundation

/// A vLLM-like continuous-batching engine (../research/algorithms.md §4.2): FCFS admission up to
/// max_num_seqs while KV blocks last, chunked prefill under a token budget, one token per running
/// sequence per step, and preemption by recompute (the newest sequence gives back its blocks and
/// waits at the front of the queue) when a decode finds the cache full. Steps are planned as
/// vLLM V1 plans them (see `startStep`). Requests that share a system prompt share its KV blocks
/// once one of them has computed it, as vLLM's automatic prefix caching does (`PrefixCache`), and a
/// conversation's next turn reads the history its last turn left, while the cache still holds it.
struct BatchingEngine: ServingModel {
    private enum Status { case waiting, running, finished, aborted }

    private struct Sequence: RequestTableEntry {
        let promptTokens: Int
        let outputTokens: Int
        /// The system prompt it shares, if any, and the whole blocks of it the cache can hold.
        let prefix: SharedPrefix?
        /// For a turn of a conversation, the history before it.
        var session: SessionHistory?
        /// Its first tokens that are thinking, before the answer proper.
        var reasoningTokens = 0
        var generated = 0
        /// Tokens still to prefill: the prompt, or after a preemption the prompt plus all generated.
        var prefillLeft = 0
        var blocks = 0
        /// Blocks it reads from the prefix cache rather than holding: its prefix's, once cached, and
        /// its conversation's history beyond that.
        var sharedBlocks = 0
        var historyBlocks = 0
        /// Prompt tokens the prefix cache served at its latest admission.
        var cachedTokens = 0
        var status = Status.waiting
        var hasFirstToken = false

        /// Tokens in the sequence's context: prompt plus generated.
        var context: Int { promptTokens + generated }

        var hasEnded: Bool { status == .finished || status == .aborted }
    }

    private let configuration: BatchingEngineConfiguration
    private let faults: FaultModel
    private var random: SeededRandom
    /// Every request that arrived, by id (a refused one as ended); the ended ones are forgotten
    /// as steps are planned.
    private var sequences = RequestTable<Sequence>()
    /// What the engine still holds of its requests.
    var sequencesHeld: Int { sequences.count }
    /// Running sequences in admission order: preemption takes from the back.
    private var running: [Int] = []
    private var waiting = RingDeque<Int>()
    private var freeBlocks: Int
    private var prefixCache = PrefixCache()
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
            return refuse(request.id, .http4xx, fault: .contextExceeded, at: answer, notices: &notices)
        }
        if let cap = faults.concurrencyCap, running.count + waiting.count >= cap {
            return refuse(request.id, .http429, at: answer, notices: &notices)
        }
        let kvUse = 1 - Double(freeBlocks) / Double(configuration.totalBlocks)
        let errorChance = faults.errorProbability + faults.errorProbabilityPerKVOverload * max(0, kvUse - 0.95)
        if random.nextBool(probability: errorChance) {
            return refuse(request.id, .http5xx, at: answer, notices: &notices)
        }
        // The context window caps the answer, as max_model_len does.
        let output = min(request.outputTokens, model.maxModelTokens - request.promptTokens)
        sequences.store(
            Sequence(
                promptTokens: request.promptTokens, outputTokens: output, prefix: request.prefix, session: request.session,
                reasoningTokens: request.reasoningTokens), of: request.id)
        waiting.append(request.id)
        if nextWakeup == nil { startStep(at: now) }
    }

    /// Answers request `id` with `outcome` at `time`; it stays in the table as ended, so the
    /// table's front can be forgotten past it.
    private mutating func refuse(_ id: Int, _ outcome: Outcome, fault: Fault? = nil, at time: Int64, notices: inout [ServerNotice]) {
        notices.append(.rejected(request: id, time: time, outcome: outcome, fault: fault))
        sequences.store(Sequence(promptTokens: 0, outputTokens: 0, prefix: nil, status: .aborted), of: id)
    }

    mutating func abort(request: Int, at now: Int64) {
        guard let sequence = sequences.entry(request) else { return }
        switch sequence.status {
        case .waiting:
            waiting.removeFirst { $0 == request }
        case .running:
            running.removeAll { $0 == request }
            releaseBlocks(of: request)
        case .finished, .aborted:
            return
        }
        sequences[request].status = .aborted
    }

    /// Gives back the blocks `request` holds, and its hold on its prefix's cached blocks.
    private mutating func releaseBlocks(of request: Int) {
        freeBlocks += sequences[request].blocks
        sequences[request].blocks = 0
        if sequences[request].sharedBlocks > 0, let prefix = sequences[request].prefix {
            prefixCache.release(.group(prefix.group))
            sequences[request].sharedBlocks = 0
        }
        if sequences[request].historyBlocks > 0, let session = sequences[request].session {
            prefixCache.release(.session(session.session))
            sequences[request].historyBlocks = 0
        }
    }

    /// Frees at least `needed` blocks by dropping cached prefixes no running sequence reads, least
    /// recently used first, but never those in `sparing` (the ones a request being admitted will
    /// read); true when there are that many free.
    private mutating func reclaim(_ needed: Int, sparing: [PrefixCache.Key] = []) -> Bool {
        while freeBlocks < needed, let blocks = prefixCache.evictLeastRecentlyUsedIdle(sparing: sparing) { freeBlocks += blocks }
        return freeBlocks >= needed
    }

    // MARK: - Steps

    mutating func wake(at now: Int64, notices: inout [ServerNotice]) {
        guard nextWakeup == now else { return }
        for request in stepDecodes where sequences[request].status == .running {
            sequences[request].generated += 1
            if reportsEveryToken { notices.append(.token(request: request, time: now)) }
            noteAnswerStart(request, at: now, notices: &notices)
            finishIfDone(request, at: now, notices: &notices)
        }
        for (request, tokens) in stepChunks where sequences[request].status == .running {
            sequences[request].prefillLeft -= tokens
            guard sequences[request].prefillLeft == 0 else { continue }
            cachePrefix(of: request)
            // The step that completes a prefill also samples the next token.
            sequences[request].generated += 1
            if !sequences[request].hasFirstToken {
                sequences[request].hasFirstToken = true
                notices.append(.firstToken(request: request, time: now))
            }
            noteAnswerStart(request, at: now, notices: &notices)
            finishIfDone(request, at: now, notices: &notices)
        }
        running.removeAll { sequences[$0].status != .running }
        nextWakeup = nil
        if !running.isEmpty || !waiting.isEmpty { startStep(at: now) }
    }

    /// Says when a reasoning sequence's answer proper begins: the token after its thinking. (A
    /// preempted sequence keeps what it generated, so it passes that token once.)
    private func noteAnswerStart(_ request: Int, at now: Int64, notices: inout [ServerNotice]) {
        let sequence = sequences[request]
        guard sequence.reasoningTokens > 0, sequence.generated == sequence.reasoningTokens + 1 else { return }
        notices.append(.firstAnswerToken(request: request, time: now))
    }

    func load(at now: Int64) -> ServerLoad {
        ServerLoad(
            running: running.count, waiting: waiting.count,
            kvCacheUsage: 1 - Double(freeBlocks) / Double(configuration.totalBlocks))
    }

    private mutating func finishIfDone(_ request: Int, at now: Int64, notices: inout [ServerNotice]) {
        let sequence = sequences[request]
        guard sequence.generated >= sequence.outputTokens else { return }
        keepHistory(of: request)
        releaseBlocks(of: request)
        sequences[request].status = .finished
        let readsCache = sequence.prefix != nil || sequence.session != nil
        notices.append(.finished(request: request, time: now, completionTokens: sequence.generated, cachedTokens: readsCache ? sequence.cachedTokens : nil))
    }

    /// A conversation's turn that finished leaves its context (prompt and reply, whole blocks) in
    /// the cache for the next turn, as vLLM keeps a finished request's blocks until they are
    /// needed: the session's entry holds what lies beyond the system prompt's blocks (which its
    /// group's entry holds), taken from the blocks the sequence computed.
    private mutating func keepHistory(of request: Int) {
        let sequence = sequences[request]
        guard let session = sequence.session else { return }
        let key = PrefixCache.Key.session(session.session)
        // The last token's KV is not computed until another step reads it.
        let beyondPrefix = max(0, (sequence.context - 1) / configuration.blockTokens - cacheableBlocks(sequence))
        if sequence.historyBlocks > 0 {
            let growth = min(beyondPrefix - (prefixCache.blocks(of: key) ?? 0), sequences[request].blocks)
            guard growth > 0 else { return }
            prefixCache.grow(key, by: growth)
            sequences[request].blocks -= growth
        } else {
            // An entry it did not read (its system prompt was gone) describes an older history:
            // replaced, unless another request reads it (a conversation sends one turn at a time,
            // but the engine does not count on it).
            if prefixCache.holds(key) {
                guard let stale = prefixCache.dropIfIdle(key) else { return }
                freeBlocks += stale
            }
            let kept = min(beyondPrefix, sequences[request].blocks)
            guard kept > 0 else { return }
            prefixCache.store(key, blocks: kept, readers: 0)
            sequences[request].blocks -= kept
        }
    }

    /// Once `request` has computed its whole prompt, its prefix's whole blocks become the cache's
    /// (if no other request's already are): later requests of its group read them instead of
    /// computing them.
    private mutating func cachePrefix(of request: Int) {
        let sequence = sequences[request]
        guard let prefix = sequence.prefix, sequence.sharedBlocks == 0, !prefixCache.holds(.group(prefix.group)) else { return }
        let blocks = cacheableBlocks(sequence)
        guard blocks > 0 else { return }
        prefixCache.store(.group(prefix.group), blocks: blocks)
        sequences[request].blocks -= blocks
        sequences[request].sharedBlocks = blocks
    }

    /// The whole blocks of `sequence`'s prefix, short of its last prompt token (which is always
    /// computed, so that the step samples from it).
    private func cacheableBlocks(_ sequence: Sequence) -> Int {
        guard let prefix = sequence.prefix else { return 0 }
        return min(prefix.tokens, sequence.promptTokens - 1) / configuration.blockTokens
    }

    /// Plans the next step the way vLLM V1's scheduler does: running sequences first (a decode
    /// token each, or their next prefill chunk), preempting the newest when a decode finds no free
    /// block; then, if nothing was preempted, waiting requests in FCFS order while the token budget,
    /// max_num_seqs and the KV cache allow. A request admitted now is prefilled now, so if the cache
    /// turns out too small for it a few steps later, its eviction wastes that prefill: the thrash
    /// that makes KV-bound engines lose throughput (vLLM #16941, #21809).
    private mutating func startStep(at now: Int64) {
        // No step in progress names a sequence any more, and `running` and `waiting` hold only live ones.
        sequences.forgetEnded()
        stepDecodes.removeAll(keepingCapacity: true)
        stepChunks.removeAll(keepingCapacity: true)
        var shape = StepShape()
        var budget = configuration.tokenBudget
        var preempted = false

        var index = 0
        while index < running.count && budget > 0 {
            let request = running[index]
            index += 1
            let sequence = sequences[request]
            if sequence.prefillLeft > 0 {
                addChunk(request, budget: &budget, shape: &shape)
                continue
            }
            if sequence.context % configuration.blockTokens == 0 {
                // The next token starts a new block; make room by preempting the newest sequences.
                if freeBlocks == 0 { _ = reclaim(1) }
                while freeBlocks == 0, let victim = running.last {
                    preempt(victim)
                    preempted = true
                    if victim == request { break }
                }
                guard sequences[request].status == .running else { break }
                freeBlocks -= 1
                sequences[request].blocks += 1
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
        let sequence = sequences[request]
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
            let sequence = sequences[request]
            let groupKey = sequence.prefix.map { PrefixCache.Key.group($0.group) }
            let sessionKey = sequence.session.map { PrefixCache.Key.session($0.session) }
            let shared = groupKey.flatMap { prefixCache.blocks(of: $0) } ?? 0
            let history = readableHistory(of: sequence, afterShared: shared)
            let read = shared + history
            let need = blocks(for: sequence.context) - read
            guard fits(need) || reclaim(need + (running.isEmpty ? 0 : watermarkBlocks), sparing: [groupKey, sessionKey].compactMap { $0 }) && fits(need)
            else { break }
            waiting.removeFirst()
            freeBlocks -= need
            if shared > 0, let groupKey { prefixCache.use(groupKey) }
            if history > 0, let sessionKey { prefixCache.use(sessionKey) }
            if groupKey != nil || sessionKey != nil {
                counters.prefixQueryTokens += sequence.promptTokens
                counters.prefixHitTokens += read * configuration.blockTokens
            }
            sequences[request].blocks = need
            sequences[request].sharedBlocks = shared
            sequences[request].historyBlocks = history
            sequences[request].cachedTokens = read * configuration.blockTokens
            sequences[request].prefillLeft = sequence.context - read * configuration.blockTokens
            sequences[request].status = .running
            running.append(request)
            addChunk(request, budget: &budget, shape: &shape)
        }
    }

    /// The blocks of its conversation's history `sequence` can read from the cache after `shared`
    /// blocks of its system prompt: none unless that prompt's blocks are read too (a prefix is
    /// matched block by block from the start), and never its last prompt token.
    private func readableHistory(of sequence: Sequence, afterShared shared: Int) -> Int {
        guard let session = sequence.session, session.tokens > 0, sequence.prefix == nil || shared > 0,
            let cached = prefixCache.blocks(of: .session(session.session))
        else { return 0 }
        let readable = min(session.tokens, sequence.promptTokens - 1) / configuration.blockTokens
        return max(0, min(cached, readable - shared))
    }

    /// True when `need` more blocks leave the watermark free (an empty engine takes any request
    /// that fits at all).
    private func fits(_ need: Int) -> Bool {
        freeBlocks - need >= watermarkBlocks || running.isEmpty && need <= freeBlocks
    }

    /// vLLM's recompute preemption: free the sequence's blocks, keep what it generated, and put it
    /// back at the front of the queue to prefill its prompt and output again.
    private mutating func preempt(_ request: Int) {
        running.removeLast()
        releaseBlocks(of: request)
        sequences[request].prefillLeft = 0
        sequences[request].status = .waiting
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

    private func blocks(for tokens: Int) -> Int {
        (tokens + configuration.blockTokens - 1) / configuration.blockTokens
    }
}
