import Crest
import CrestHTTP
import CrestReport
import CrestSimulator
import CrestSweep
import Foundation

/// `crest sweep`: measures a target at each level and recommends one.
struct SweepCommand: Command {
    static let name = "sweep"
    static let summary = "measure a target at each concurrency level and recommend the best within a latency budget"

    /// The budget of `crest sweep` with no options: a knee that the default preset and dataset
    /// cross between the levels tried (see README, "Default sweep").
    static let defaultBudget = "e2e.p95<=20s"
    static let defaultDataset = "en_1000-2000"


    static var usage: String {
        """
            USAGE: crest sweep [options]

            Finds the highest-throughput concurrency within a latency budget. By default an adaptive search
            ramps the load, fits latency and throughput curves, brackets the budget's edge, and confirms
            its answer with a sequential test; each level runs only until its verdict is clear. With no
            options it searches the built-in simulator (sim:\(SimulatorPreset.standard.name)) with the
            \(defaultDataset) dataset under the budget '\(defaultBudget)' and errors <= 1%, and writes results/<name>/.

            \(SweepTarget.usage)

            DATASET
              --dataset FILE|BIN          a prompt file (FMBench payload JSONL, OpenAI chat JSONL, ShareGPT JSON
                                          or JSONL, prompt/output_tokens JSONL, or one prompt per line) or a
                                          shipped one such as en_500-1000 or sharegpt-sample (default \(defaultDataset))
              --max-tokens N              the output-token cap for prompts whose line sets none (over the
                                          length of the dataset's own answers, where it holds them)
              --shared-prefix-tokens N    put a system prompt of N tokens in front of every request, as production
                                          assistants do: an endpoint with prefix caching computes it once
              --prefix-groups G           G different system prompts, prompt i getting number i mod G (default 1)
              --no-prefix-reuse           make every request unique from its first token (a nonce in front), so no
                                          prefix cache serves any of it: the cold path
              --tokenize                  count the prompts with the endpoint's own tokenizer (POST /tokenize) before
                                          the first level, and keep the counts beside the dataset (FILE.tokens.json)
                                          for the next sweep; live endpoints only
              --min-output-tokens         ask every answer to run to its cap (min_tokens and ignore_eos, which vLLM,
                                          SGLang and llama.cpp honour), so answer lengths are the dataset's (or
                                          --max-tokens's); the report says whether the endpoint honoured it
              --session-turns T           make each client a user holding conversations of T turns: every turn
                                          carries the earlier ones and the endpoint's own replies (a ShareGPT
                                          conversation's own later turns first, then the dataset's next prompts);
                                          a level's concurrency is its number of users; the report gives TTFT by turn
              --think-time D              with --session-turns, the mean pause between a reply and the user's next
                                          turn, drawn from an exponential distribution (default \(NumberFormatting.duration(seconds: SessionShape.standardThinkSeconds).replacingOccurrences(of: " ", with: "")); 0 for none)

            BUDGET (a level must meet all)
              --budget EXPR               METRIC.STAT<=VALUE, repeatable: e2e|ttft|ttfa|tpot|itl . mean|p50|p95|p99.9...
                                          <= VALUE in ms or s, e.g. 'e2e.p95<=20s' 'ttft.p99<=1.5s' (default '\(defaultBudget)')
              --max-error-rate P          the highest share of failed requests, e.g. 1% or 0.5% (default 1%)

            SEARCH
              --max-requests N            a total budget of requests the search plans within
              --max-time D                a total budget of time (simulated time for the simulator), e.g. 30m
              --max-concurrency N         the highest level the search may try (default \(SearchLimits.standardMaxConcurrency))
              --prior DIR                 start from an earlier sweep of the same target and dataset (a re-test after a
                                          deploy): measure its answer and the level above it again; if the endpoint
                                          measures as before, confirm that answer with the earlier requests pooled in,
                                          else say what changed and search
              --timeout D                 request timeout (default max(10 × the largest latency limit, 300s))
              --connect-timeout D         live endpoints: the longest wait for a connection to open (default 10s)
              --first-token-timeout D     live endpoints: the longest wait for the first token (default: none but --timeout)
              --stall-timeout D           live endpoints: the longest silence of a stream after its first token (default 60s)
              --drain D                   live endpoints: on Ctrl-C or SIGTERM, stop sending and wait this long for the
                                          requests in flight, recording each (default 10s; 0 abandons them at once)

            FIXED LEVELS (instead of the search)
              --levels LIST               measure exactly these levels, e.g. 1,2,4,8 (\(FixedListSearch.standardLevels.map(\.description).joined(separator: ",")) is FMBench-like)
              --requests-per-level N      measured requests at every level (default max(200, 4 × concurrency))
              --duration-per-level D      measure each level for a duration instead, e.g. 60s or 2m

            PRICE (default: the preset's assumed price; a Bedrock model's from the price table)
              --instance TYPE             the instance the endpoint runs on (ml.g5.12xlarge, g6e.2xlarge): its hourly
                                          price from the price table (datasets/pricing.json), and the reports' label
              --price-per-hour USD        instance price per hour
              --instances N               instances behind the endpoint, with --price-per-hour (default 1)
              --price-per-1k-in USD       price per 1,000 prompt tokens (with --price-per-1k-out)
              --price-per-1k-out USD      price per 1,000 completion tokens

            STUDY
              --config FILE               sweep every target of a study file with every dataset, then compare them
                                          (see datasets/studies/two-presets.json; only --out goes with it)

            OUTPUT
              --out DIR                   the results folder; must be new or empty (default results/<target>-<dataset>-<time>)
              --resume DIR                continue the interrupted (or killed) sweep in DIR: give the command that
                                          started it, with --resume DIR in place of --out; its finished levels are
                                          replayed, not measured again
              --seed N                    the seed of every random choice (default 1): same seed, same results
              --json                      print recommendation.json to stdout instead of the summary

            EXIT CODES
              0 a level met the budget   1 the run failed   2 bad usage or input
              3 no level met the budget, or most responses of a level were no answer (malformed, empty, redirects)
              130 interrupted (Ctrl-C stops within the current level and keeps what finished levels wrote; a
                  second Ctrl-C stops at once)
            """
    }

    let sweepTarget: SweepTarget
    let instanceLabel: String?
    let datasetName: String
    let maxOutputTokens: Int?
    /// How requests are shaped beyond the dataset's prompts: a shared system prompt, prefix reuse.
    let workload: WorkloadShape
    /// Count the prompts with the endpoint's tokenizer before the first level.
    let tokenize: Bool
    let budget: Budget
    let method: SweepMethod
    /// Said on stderr when the open-files limit lowered the search's highest level.
    let clientLimitNote: String?
    let requestTimeoutSeconds: Double
    /// A live client's other timeouts; nil for the simulator.
    let clientTimeouts: ClientTimeouts?
    /// How long an interrupted live level waits for its requests in flight.
    let drainSeconds: Double
    let pricing: Pricing?
    /// Where the price came from when Crest chose it from its table.
    let pricingOrigin: String?
    let outputFolder: String?
    /// The interrupted sweep's folder to continue, instead of a new one.
    let resumeFolder: String?
    /// An earlier sweep's folder to start from (`--prior`).
    let priorFolder: String?
    let seed: UInt64
    let printsJSON: Bool

    init(arguments: ArgumentList) throws {
        try self.init(arguments: arguments, environment: ProcessInfo.processInfo.environment)
    }

    /// What a study sets for one of its sweeps, as values: the options it is given cannot.
    struct StudyPair {
        let label: String
        let dataset: String
        let folder: String
        let budget: Budget
        let pricing: Pricing?
    }

    /// The sessions `--session-turns` and `--think-time` ask for; nil for single requests.
    private static func sessions(_ arguments: inout ArgumentList) throws -> SessionShape? {
        let turns = try arguments.positiveInteger("--session-turns", atMost: SessionShape.mostTurns)
        // Zero is a think time too: users who answer at once.
        let think = try arguments.value("--think-time").map { text -> Double in
            if ["0", "0s", "0ms"].contains(text) { return 0 }
            guard let seconds = DurationParsing.seconds(text) else {
                throw UsageError("--think-time '\(text)': expected a duration such as 500ms, 2s or 1m, or 0 for none")
            }
            return seconds
        }
        guard let turns else {
            if think != nil { throw UsageError("--think-time needs --session-turns T: it is the pause between a conversation's turns") }
            return nil
        }
        guard turns >= 2 else { throw UsageError("--session-turns 1: a conversation of one turn is a single request; give 2 or more turns, or leave the option out") }
        if let think, think > SessionShape.longestThinkSeconds {
            throw UsageError("--think-time: at most \(NumberFormatting.duration(seconds: SessionShape.longestThinkSeconds)); longer leaves a level's users idle nearly all its run")
        }
        return SessionShape(turns: turns, meanThinkSeconds: think ?? SessionShape.standardThinkSeconds)
    }

    /// Parses with `environment` as the place API keys come from; for one pair of a study, with
    /// what the study sets.
    init(arguments: ArgumentList, environment: [String: String], study: StudyPair? = nil) throws {
        var arguments = arguments
        sweepTarget = try SweepTarget.parse(&arguments, environment: environment)
        if study != nil {
            let setByTheStudy = ["--instance-label", "--dataset", "--out", "--budget", "--max-error-rate"]
            if let option = setByTheStudy.first(where: { arguments.contains($0) }) {
                throw UsageError("\(option) in a study's options: the study file sets it (label, datasets, budget, max_error_rate)")
            }
        }
        let instance = try arguments.value("--instance")
        instanceLabel = try study.map(\.label) ?? arguments.value("--instance-label") ?? instance
        datasetName = try study.map(\.dataset) ?? arguments.value("--dataset") ?? Self.defaultDataset
        maxOutputTokens = try arguments.positiveInteger("--max-tokens", atMost: Prompt.largestTokenCount)
        let prefixTokens = try arguments.positiveInteger("--shared-prefix-tokens", atMost: Prompt.largestTokenCount)
        let prefixGroups = try arguments.positiveInteger("--prefix-groups", atMost: WorkloadShape.mostPrefixGroups)
        if prefixGroups != nil && prefixTokens == nil {
            throw UsageError("--prefix-groups needs --shared-prefix-tokens N: it says how many different system prompts of that length there are")
        }
        workload = WorkloadShape(
            sharedPrefixTokens: prefixTokens, prefixGroups: prefixGroups ?? 1, prefixReuse: !arguments.flag("--no-prefix-reuse"),
            answersToCap: arguments.flag("--min-output-tokens"), sessions: try Self.sessions(&arguments))
        if workload.sessions != nil, !workload.prefixReuse {
            throw UsageError("--no-prefix-reuse makes every request unique from its first token, and a conversation's turns share their history: use one or the other")
        }
        tokenize = arguments.flag("--tokenize")
        if tokenize, case .live(let endpoint) = sweepTarget, endpoint.aws != nil {
            throw UsageError("--tokenize: --api \(endpoint.api.rawValue) has no tokenizer to ask; it goes with self-hosted endpoints' POST /tokenize")
        }
        if tokenize, case .simulated = sweepTarget {
            throw UsageError("--tokenize asks a live endpoint's tokenizer: it goes with --url (the simulator counts with Crest's own estimator)")
        }
        // TGI's parameters and Converse have no such fields (Bedrock would refuse them).
        if workload.answersToCap, case .live(let endpoint) = sweepTarget, [.tgi, .sagemakerTGI, .bedrock].contains(endpoint.api) {
            throw UsageError("--min-output-tokens: --api \(endpoint.api.rawValue) has no min_tokens or ignore_eos to ask for a length; it goes with the OpenAI kinds")
        }

        if let study {
            budget = study.budget
        } else {
            let given = try arguments.latencyConstraints("--budget")
            let latency = given.isEmpty ? [try LatencyConstraint(parsing: Self.defaultBudget)] : given
            budget = Budget(latency: latency, maxErrorRate: try arguments.errorRate("--max-error-rate") ?? 0.01)
        }
        if budget.needsInterTokenGaps, case .live(let endpoint) = sweepTarget, !endpoint.streaming {
            throw UsageError("an ITL budget needs the gaps between streamed chunks, and --no-stream asks for whole responses; drop --no-stream or constrain tpot instead")
        }

        let levels = try arguments.levels("--levels")
        let requests = try arguments.positiveInteger("--requests-per-level", atMost: 10_000_000)
        let duration = try arguments.duration("--duration-per-level")
        let maxRequests = try arguments.positiveInteger("--max-requests", atMost: 1_000_000_000)
        if let maxRequests, maxRequests < SearchLimits.minimumRequests {
            throw UsageError("--max-requests \(maxRequests): the search's first level alone needs \(SearchLimits.minimumRequests) requests (its warm-up and first look at one client); give at least \(SearchLimits.minimumRequests)")
        }
        let maxTime = try arguments.duration("--max-time")
        let maxConcurrency = try arguments.positiveInteger("--max-concurrency", atMost: Level.maximumConcurrency)
        let chosenMethod: SweepMethod
        if let levels {
            let length: LevelLength
            switch (requests, duration) {
            case (.some, .some): throw UsageError("give --requests-per-level or --duration-per-level, not both")
            case (.some(let count), nil): length = .requests(count)
            case (nil, .some(let seconds)): length = .duration(seconds: seconds)
            case (nil, nil): length = .standard
            }
            if maxConcurrency != nil { throw UsageError("--max-concurrency goes with the adaptive search; with --levels, list the levels") }
            chosenMethod = .fixed(levels: levels, length: length)
        } else {
            if requests != nil || duration != nil {
                throw UsageError("--requests-per-level and --duration-per-level go with --levels; the adaptive search sizes each level itself")
            }
            chosenMethod = .adaptive(
                limits: SearchLimits(maxRequests: maxRequests, maxSeconds: maxTime, maxConcurrency: maxConcurrency ?? SearchLimits.standardMaxConcurrency),
                plateauTolerance: LevelSelection.standardPlateauTolerance)
        }
        (method, clientLimitNote) = try Self.withinOpenFileLimit(chosenMethod, target: sweepTarget, maxConcurrencyGiven: maxConcurrency != nil)
        let largestLimit = budget.latency.map(\.limitSeconds).max() ?? 0
        requestTimeoutSeconds = try arguments.duration("--timeout") ?? max(10 * largestLimit, 300)
        clientTimeouts = try Self.clientTimeouts(&arguments, target: sweepTarget)
        drainSeconds = try Self.drain(&arguments, target: sweepTarget)

        let chosen = try Self.pricing(&arguments, instance: instance, target: sweepTarget)
        if study?.pricing != nil, chosen.pricing != nil {
            throw UsageError("a price option in a study target's options: its price_per_hour sets the price")
        }
        pricing = study?.pricing ?? chosen.pricing ?? sweepTarget.defaultPricing
        pricingOrigin = chosen.origin
        outputFolder = try study.map(\.folder) ?? arguments.value("--out")
        resumeFolder = try arguments.value("--resume")
        if resumeFolder != nil, study != nil { throw UsageError("--resume continues one sweep; a study's sweeps are rerun with crest study") }
        if let resumeFolder, let outputFolder { throw UsageError("give --resume \(resumeFolder) or --out \(outputFolder), not both: a resumed sweep writes to its own folder") }
        priorFolder = try arguments.value("--prior")
        if let priorFolder {
            if study != nil { throw UsageError("--prior starts one sweep from an earlier one; a study's sweeps take no --prior") }
            if case .fixed = method { throw UsageError("--prior \(priorFolder) goes with the adaptive search; --levels measures its list whatever came before") }
        }
        seed = try arguments.seed() ?? 1
        printsJSON = arguments.flag("--json")
        try arguments.finish(command: Self.name)
    }

    /// The live client's timeouts from their flags, or nil for the simulator (which refuses them).
    private static func clientTimeouts(_ arguments: inout ArgumentList, target: SweepTarget) throws -> ClientTimeouts? {
        let connect = try arguments.duration("--connect-timeout")
        let firstToken = try arguments.duration("--first-token-timeout")
        let stall = try arguments.duration("--stall-timeout")
        guard case .live = target else {
            if let flag = [connect.map { _ in "--connect-timeout" }, firstToken.map { _ in "--first-token-timeout" }, stall.map { _ in "--stall-timeout" }]
                .compactMap({ $0 }).first
            {
                throw UsageError("\(flag) goes with --url: the simulator opens no connection and its streams never stall")
            }
            return nil
        }
        let standard = ClientTimeouts.standard
        return ClientTimeouts(
            connectSeconds: connect ?? standard.connectSeconds, firstTokenSeconds: firstToken ?? standard.firstTokenSeconds,
            stallSeconds: stall ?? standard.stallSeconds)
    }

    /// `--drain D`: 0 (or 0s) abandons the requests in flight at once.
    private static func drain(_ arguments: inout ArgumentList, target: SweepTarget) throws -> Double {
        guard let text = try arguments.value("--drain") else { return LiveMeasurer.standardDrainSeconds }
        guard case .live = target else { throw UsageError("--drain goes with --url: a simulated level stops at once") }
        if ["0", "0s", "0ms"].contains(text.trimmingCharacters(in: .whitespaces)) { return 0 }
        guard let seconds = DurationParsing.seconds(text), seconds <= 3600 else {
            throw UsageError("--drain '\(text)': expected a duration from 0 to 1h, such as 10s")
        }
        return seconds
    }

    func run() async throws -> ExitCode {
        var dataset = try DatasetLoader(defaultMaxOutputTokens: maxOutputTokens).load(path: DatasetLocator.standard().path(for: datasetName))
            .shaped(workload)
        if tokenize, case .live(let endpoint) = sweepTarget {
            let tokenizer = try EndpointTokenizer(endpoint: endpoint)
            do {
                let counted = try await tokenizer.counted(dataset)
                dataset = counted.dataset
                StandardError.write("note: \(Self.countedNote(counted))\n")
            } catch let error as EndpointTokenizerError {
                StandardError.write("crest sweep: --tokenize: \(error)\n")
                return .runFailed
            }
        }
        var plan = SweepPlan(
            target: sweepTarget.target(instanceLabel: instanceLabel, pricing: pricing, pricingOrigin: pricingOrigin), dataset: dataset, budget: budget, method: method, seed: seed,
            requestTimeoutSeconds: requestTimeoutSeconds, clientTimeouts: clientTimeouts, maxOutputTokens: maxOutputTokens,
            folder: resumeFolder ?? outputFolder ?? ResultsFolderName.next(target: sweepTarget.folderName, dataset: dataset.name, at: Date()))
        if let priorFolder { plan.prior = try Self.prior(in: priorFolder, for: plan) }
        let folder = plan.folder
        if resumeFolder != nil {
            plan.resuming = try Self.interruptedSweep(in: folder, continuedBy: plan)
        } else {
            // Refused before anything is said or started; the writer checks again as it creates it.
            try ResultsWriter.refuseOccupied(folder)
        }
        let progress = Progress()
        // Ctrl-C stops the search within a level and keeps what the finished levels wrote. The
        // handler is in place before the first line says the sweep has started.
        let cancellation = PendingCancellation()
        let drain = drainSeconds
        let isLive = { if case .live = sweepTarget { return true } else { return false } }()
        let interrupt = TerminationSignal {
            if isLive && drain > 0 {
                StandardError.write("\ncrest sweep: stopping: no new request; waiting up to \(NumberFormatting.duration(seconds: drain)) for those in flight (Ctrl-C again stops at once)\n")
            }
            cancellation.request()
        }
        defer { interrupt.cancel() }
        let (measurer, finishMeasuring) = try sweepTarget.measurer(
            dataset: dataset, seed: seed, requestTimeoutSeconds: requestTimeoutSeconds, clientTimeouts: clientTimeouts ?? .standard,
            maxOutputTokens: maxOutputTokens, recordsInterTokenGaps: budget.needsInterTokenGaps, drainSeconds: drainSeconds,
            onProgress: { level, state in progress.running(level: level, state) })
        defer { finishMeasuring() }
        // One request before any level: a wrong model, key, credentials or region ends the run here,
        // with the endpoint's own answer, before a level of refusals is measured or a folder written.
        if let live = measurer as? LiveMeasurer {
            let preflight = await live.preflight()
            if preflight.stops {
                StandardError.write("crest sweep: \(Self.preflightFailed(preflight, target: sweepTarget.name, api: live.endpoint.api.rawValue))\n")
                return .noFeasibleLevel
            }
            if preflight.fault == .contextExceeded {
                StandardError.write("note: the endpoint refused the first prompt as longer than its context\(preflight.example.map { ": \($0.summary)" } ?? ""). The levels count such prompts as context_exceeded, and the report names them.\n")
            }
        }
        progress.started(target: sweepTarget.name, dataset: dataset, budget: budget, folder: folder)
        if let clientLimitNote { StandardError.write("note: \(clientLimitNote)\n") }
        let running = Task { try await Self.sweep(plan, measurer, progress: progress) }
        cancellation.attach(running)
        let ended = await running.result
        progress.settle()
        let result: SweepResult
        do {
            result = try ended.get()
        } catch let error as ResultsError {
            // A full disk or a folder made read-only mid-run: what finished is whole on disk, and
            // the sweep continues from it once it can be written.
            guard case .unwritable = error else { throw error }
            let described = "\(error)"
            let said = described.hasSuffix(".") ? String(described.dropLast()) : described
            StandardError.write("crest sweep: \(said). The levels finished before are whole in \(folder)/; once it can be written (free space, make it writable), run the same command with --resume \(folder) in place of --out to continue\n")
            return .runFailed
        }

        switch result.ending {
        case .interrupted:
            StandardError.write("crest sweep: interrupted; the levels measured so far are in \(folder)/ (samples.jsonl, levels.csv, search.jsonl; crest report \(folder) writes their report). To continue, run the same command with --resume \(folder) in place of --out\n")
            return .interrupted
        case .unusableResponses(let stoppedBy, _):
            StandardError.write("crest sweep: \(stoppedBy)\nResults so far: \(folder)/\n")
            return .noFeasibleLevel
        case .searched(let outcome, let input):
            if outcome.levels.allSatisfy({ $0.summary.successes == 0 }) {
                StandardError.write("crest sweep: \(Self.nothingSucceeded(outcome, runs: result.runs, target: sweepTarget.name))\n")
            }
            guard let recommendation = outcome.recommendation else { return .runFailed }
            if printsJSON {
                StandardOutput.write(try String(contentsOfFile: "\(folder)/recommendation.json", encoding: .utf8))
            } else {
                StandardOutput.write(ConsoleSummary.render(input, resultsFolder: folder))
            }
            return recommendation.isFeasible ? .success : .noFeasibleLevel
        }
    }

    /// The sweep in `folder`, checked to be `plan`'s and made whole to continue; what was dropped
    /// from its files is said on stderr. Nothing is changed in a folder of another sweep.
    private static func interruptedSweep(in folder: String, continuedBy plan: SweepPlan) throws -> InterruptedSweep {
        do {
            let differences = plan.differences(from: try StoredSweep.readManifest(folder: folder))
            guard differences.isEmpty else {
                throw UsageError("--resume \(folder): the folder holds another sweep than this command's; give the command that started it. "
                    + differences.joined(separator: "; "))
            }
            let interrupted = try InterruptedSweep.prepare(folder: folder)
            for repair in interrupted.repairs { StandardError.write("note: \(repair)\n") }
            StandardError.write("resuming \(folder)/: \(interrupted.stored.runs.count) finished measurement\(interrupted.stored.runs.count == 1 ? "" : "s") replayed, not measured again\n")
            return interrupted
        } catch let error as ResultsError {
            throw UsageError("--resume \(folder): \(error)")
        }
    }

    /// The earlier sweep in `folder` as the prior of `plan`: of the same target and dataset, with
    /// a level that meets the plan's budget.
    private static func prior(in folder: String, for plan: SweepPlan) throws -> PriorSweep {
        let stored: StoredSweep
        do {
            stored = try StoredSweep.read(folder: folder)
        } catch let error as ResultsError {
            throw UsageError("--prior \(folder): \(error)")
        }
        let differences = plan.priorDifferences(from: stored.manifest)
        guard differences.isEmpty else {
            throw UsageError("--prior \(folder): not an earlier sweep of this target and dataset: " + differences.joined(separator: "; "))
        }
        guard let prior = stored.prior(for: plan.budget, confidence: plan.confidence) else {
            throw UsageError("--prior \(folder): no level it measured meets the budget \(plan.budget), so there is no answer to start from; search without --prior")
        }
        return prior
    }

    private static func sweep(_ plan: SweepPlan, _ measurer: some Measurer, progress: Progress) async throws -> SweepResult {
        try await SweepRun(plan: plan, measurer: measurer).run { run, result, step in progress.finished(result, run: run, step: step) }
    }

    /// What --tokenize found: the counts, and where they are kept.
    private static func countedNote(_ counted: EndpointTokenizer.CountedDataset) -> String {
        guard let failure = counted.keepingFailed else { return "prompt lengths: \(counted.summary); kept in \(counted.keptAt)" }
        return "prompt lengths: \(counted.summary); could not keep them in \(counted.keptAt) (\(failure)), so the next sweep counts again"
    }

    /// Why the pre-flight request stopped the run, and what to check.
    private static func preflightFailed(_ preflight: LiveMeasurer.Preflight, target: String, api: String) -> String {
        var message = "the first request to \(target) failed before any level was measured (\(preflight.fault?.rawValue ?? preflight.outcome.rawValue))"
        if let example = preflight.example { message += ": \(example.summary)" }
        switch preflight.outcome {
        case .transport where preflight.certificateRejected:
            return message + ". Check the host in --url, or give the certificates to trust with --ca-bundle FILE."
        case .transport where preflight.fault == .tlsFailure:
            return message + ". Does the endpoint speak https? A plain endpoint takes http:// in --url."
        case .timeout:
            return message + ". Nothing accepted the connection: is the host in --url right, and is a firewall dropping it?"
        case .transport:
            return message + ". Is the endpoint up, and are the host and port in --url right?"
        case .malformed:
            return message + ". The endpoint does not answer in the shape of --api \(api): check --api and the path in --url."
        default:
            return message + ". The endpoint refused it: check --model (or --endpoint), the path, the API key or credentials, and --region."
        }
    }

    /// Why a sweep has nothing to recommend: no request at any level succeeded, how they failed, and
    /// how the endpoint answered the first failure of the commonest kind.
    private static func nothingSucceeded(_ outcome: SearchOutcome, runs: [LevelRun], target: String) -> String {
        var counts: [Outcome: Int] = [:]
        for level in outcome.levels {
            for kind in Outcome.allCases { counts[kind, default: 0] += level.summary.outcomes[kind] }
        }
        let failures = Outcome.allCases.filter { !$0.isSuccess && counts[$0, default: 0] > 0 }.map { "\(counts[$0]!) \($0.rawValue)" }
        var message = "no request succeeded at any level (\(failures.joined(separator: ", ")))"
        if counts[.transport, default: 0] > 0 { message += "; is the endpoint up and reachable at \(target)?" }
        if counts[.http4xx, default: 0] > 0 { message += "; a 4xx usually means a wrong --model, path or API key" }
        let commonest = Outcome.allCases.filter { !$0.isSuccess }.max { counts[$0, default: 0] < counts[$1, default: 0] }
        if let commonest, let example = runs.lazy.flatMap(\.failureExamples).first(where: { $0.outcome == commonest }) {
            message += ". The first \(commonest.rawValue): \(example.summary)"
        }
        return message
    }

    /// A live endpoint's levels within the open-files limit (raised to its hard limit first): each
    /// client holds a connection. A fixed level or a --max-concurrency above it is refused before
    /// any request; the search's default highest level is lowered to it, with a note.
    private static func withinOpenFileLimit(
        _ method: SweepMethod, target: SweepTarget, maxConcurrencyGiven: Bool
    ) throws -> (SweepMethod, note: String?) {
        guard case .live = target else { return (method, nil) }
        OpenFileLimit.raise()
        let maximum = LiveMeasurer.maximumConcurrency
        guard method.highestConcurrency > maximum else { return (method, nil) }
        if case .adaptive(let limits, let tolerance) = method, !maxConcurrencyGiven {
            let limit = maximum < OpenFileLimit.maximumClients
                ? "this machine has \(maximum) local ports for connections to one address (net.ipv4.ip_local_port_range)"
                : "the open-files limit is \(OpenFileLimit.current) (ulimit -n)"
            let note = "the search goes up to concurrency \(maximum), not \(limits.maxConcurrency): \(limit) and each client holds a connection; raise it to search higher"
            return (.adaptive(limits: limits.capped(atConcurrency: maximum), plateauTolerance: tolerance), note)
        }
        throw UsageError((LiveMeasurer.limitError(concurrency: method.highestConcurrency)
            ?? .tooManyClients(concurrency: method.highestConcurrency, limit: OpenFileLimit.current)).description)
    }

    // MARK: - Option values

    /// The price the options give, or the price table's for `--instance` or a Bedrock model, with
    /// where it came from when the table gave it.
    private static func pricing(_ arguments: inout ArgumentList, instance: String?, target: SweepTarget) throws -> (pricing: Pricing?, origin: String?) {
        let hourly = try arguments.price("--price-per-hour")
        let instances = try arguments.positiveInteger("--instances", atMost: 10_000)
        let input = try arguments.price("--price-per-1k-in")
        let output = try arguments.price("--price-per-1k-out")
        switch (hourly, input, output) {
        case (nil, nil, nil):
            if let instance {
                let (table, path) = try priceTable(for: "--instance '\(instance)'")
                guard let price = table.price(instance: instance, instances: instances ?? 1) else {
                    throw UsageError("--instance '\(instance)': not in \(path) (instance types such as ml.g5.12xlarge or g6e.2xlarge); give its --price-per-hour")
                }
                return (price, table.origin)
            }
            if instances != nil { throw UsageError("--instances goes with --price-per-hour or --instance") }
            // A Bedrock model is priced by the token: the table knows the common ones.
            if case .live(let endpoint) = target, endpoint.api == .bedrock, let (table, _) = try? priceTable(for: "--api bedrock"),
                let price = table.price(model: endpoint.model)
            {
                return (price, table.origin)
            }
            return (nil, nil)
        case (.some(let usdPerHour), nil, nil):
            return (.hourly(usdPerHour: usdPerHour, instances: instances ?? 1), nil)
        case (nil, .some(let inputPrice), .some(let outputPrice)):
            return (.perToken(usdPer1kInput: inputPrice, usdPer1kOutput: outputPrice), nil)
        case (nil, _, _):
            throw UsageError("token pricing needs both --price-per-1k-in and --price-per-1k-out")
        default:
            throw UsageError("give either --price-per-hour or --price-per-1k-in/--price-per-1k-out, not both")
        }
    }

    /// The price table of the first dataset folder that has one, and its path.
    private static func priceTable(for option: String) throws -> (PriceTable, String) {
        let folders = DatasetLocator.standard().searchFolders
        guard let path = PriceTable.path(in: folders) else {
            throw UsageError("\(option): no price table (\(PriceTable.fileName)) in \(folders.joined(separator: ", ")); give the price")
        }
        do {
            return (try PriceTable.load(path: path), path)
        } catch let error as PriceTableError {
            throw UsageError(error.description)
        }
    }
}
