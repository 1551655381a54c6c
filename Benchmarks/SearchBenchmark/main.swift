// Search quality benchmark: runs Crest's adaptive search and the peer strategies on simulator
// profiles with known answers, and prints accuracy and cost per strategy.
//
//     swift run -c release SearchBenchmark              # the full benchmark
//     swift run -c release SearchBenchmark --quick      # a minute's subset
//     swift run -c release SearchBenchmark --ground-truth   # recompute the cached answers (slow)
//     swift run -c release SearchBenchmark --trace 17   # print every step of profile 17's searches
//     swift run -c release SearchBenchmark --edge       # how often a level exactly at its limit is certified
//     swift run -c release SearchBenchmark --held-out 0 # without the held-out profiles
//     swift run -c release SearchBenchmark --warm       # warm starts (--prior) against cold searches
import Crest
import CrestSimulator
import Foundation

struct Options {
    var quick = false
    var rebuildGroundTruth = false
    var profiles = 120
    /// Profiles drawn from a seed of their own, which no rule of the search was tuned on.
    var heldOut = 40
    var seeds = 10
    var jobs = ProcessInfo.processInfo.activeProcessorCount
    var trace: Int?
    var traceSeed: UInt64 = 1
    var detail = false
    var edge = false
    var warm = false
    var edgeProfiles = 40
    var edgeSeeds = 100
    var strategies = ["crest", "model-analyzer", "fixed-grid", "ladder", "perf-analyzer-binary", "guidellm-goodput", "aiperf-smooth-isotonic"]

    init(_ arguments: [String]) {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            func next() -> String { index += 1; return arguments[index] }
            switch argument {
            case "--quick": quick = true
            case "--ground-truth": rebuildGroundTruth = true
            case "--profiles": profiles = Int(next())!
            case "--held-out": heldOut = Int(next())!
            case "--seeds": seeds = Int(next())!
            case "--jobs": jobs = Int(next())!
            case "--trace": trace = Int(next())!
            case "--detail": detail = true
            case "--edge": edge = true
            case "--warm": warm = true
            case "--edge-profiles": edgeProfiles = Int(next())!
            case "--edge-seeds": edgeSeeds = Int(next())!
            case "--trace-seed": traceSeed = UInt64(next())!
            case "--strategies": strategies = next().split(separator: ",").map(String.init)
            default: FileHandle.standardError.write(Data("unknown option \(argument)\n".utf8)); exit(2)
            }
            index += 1
        }
    }
}

func strategy(named name: String) -> any SearchStrategy {
    switch name {
    case "crest": return AdaptiveSearch()
    case "model-analyzer": return ModelAnalyzerSearch()
    case "fixed-grid": return FixedGridSearch()
    // What a user of `crest sweep --levels 1,2,4,8,16,32,64,128` (FMBench's default list) gets:
    // every level measured, max(200, 4N) requests each, the best passing level answered.
    case "ladder": return FixedListSearch(levels: FixedListSearch.standardLevels)
    case "perf-analyzer-binary": return BinarySearch()
    case "guidellm-goodput": return GoodputSearch()
    default: return SmoothIsotonicSearch()
    }
}

let fixturePath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("ground-truth.json").path

func jsonCoders() -> (JSONEncoder, JSONDecoder) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return (encoder, decoder)
}

func log(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }

/// Runs `work` over `items` with at most `jobs` at once, keeping the input order.
func parallelMap<T: Sendable, R: Sendable>(_ items: [T], jobs: Int, _ work: @escaping @Sendable (T) async throws -> R) async throws -> [R] {
    try await withThrowingTaskGroup(of: (Int, R).self) { group in
        var results = [R?](repeating: nil, count: items.count)
        var next = 0
        for _ in 0..<min(jobs, items.count) {
            let index = next
            group.addTask { (index, try await work(items[index])) }
            next += 1
        }
        while let (index, result) = try await group.next() {
            results[index] = result
            if next < items.count {
                let index = next
                group.addTask { (index, try await work(items[index])) }
                next += 1
            }
        }
        return results.map { $0! }
    }
}

func groundTruth(for profiles: [Profile], options: Options) async throws -> [GroundTruth] {
    let (encoder, decoder) = jsonCoders()
    var cached: [Int: GroundTruth] = [:]
    if !options.rebuildGroundTruth, let data = FileManager.default.contents(atPath: fixturePath),
        let stored = try? decoder.decode([GroundTruth].self, from: data)
    {
        for truth in stored { cached[truth.profileID] = truth }
    }
    let missing = profiles.filter { cached[$0.id]?.profile != $0 }
    if !missing.isEmpty {
        log("computing ground truth for \(missing.count) profiles (cached in \(fixturePath) afterwards)")
        let start = Date()
        let computed = try await parallelMap(missing, jobs: options.jobs) { profile in
            let truth = try GroundTruthBuilder.build(profile, requests: 8000, seeds: 2)
            log("  \(profile.label): answer \(truth.answer.map(String.init) ?? "none"), limit \(String(format: "%.3g", truth.limitSeconds)) s\(truth.ambiguous ? ", ambiguous" : "")")
            return truth
        }
        for truth in computed { cached[truth.profileID] = truth }
        let all = cached.values.sorted { $0.profileID < $1.profileID }
        try encoder.encode(all).write(to: URL(fileURLWithPath: fixturePath))
        log(String(format: "ground truth took %.0f s", Date().timeIntervalSince(start)))
    }
    return profiles.map { cached[$0.id]! }
}

func runSearch(_ name: String, profile: Profile, truth: GroundTruth, seed: UInt64) async throws -> SearchOutcome {
    try await runSearch(strategy(named: name), truth: truth, endpoint: profile.endpoint, seed: seed).outcome
}

/// Runs `strategy` on `endpoint` (the truth's profile's, or a changed one) under the truth's budget,
/// with the runs it measured.
func runSearch(_ strategy: any SearchStrategy, truth: GroundTruth, endpoint: SimulatedEndpoint, seed: UInt64) async throws -> (outcome: SearchOutcome, runs: [LevelRun]) {
    let profile = truth.profile
    let dataset = Dataset(name: profile.workload, path: "", format: .plainText, prompts: profile.prompts, fingerprint: "")
    let measurer = SimulatedMeasurer(
        endpoint: endpoint, dataset: dataset, seed: derivedSeed(0x5EA2C4, UInt64(profile.id), seed),
        requestTimeoutSeconds: max(10 * truth.limitSeconds, 300))
    let budget = Budget(latency: [profile.constraint(limitSeconds: truth.limitSeconds)], maxErrorRate: GroundTruth.maxErrorRate)
    let collected = RunCollector()
    let session = SearchSession(measurer: measurer, budget: budget, limits: SearchLimits(maxConcurrency: GroundTruthBuilder.maxConcurrency)) { run, _, _ in
        collected.runs.append(run)
    }
    return (try await strategy.search(session), collected.runs)
}

/// The runs a search measured, as the session reports them (one search at a time).
final class RunCollector: @unchecked Sendable {
    var runs: [LevelRun] = []
}

func main() async throws {
    let options = Options(Array(CommandLine.arguments.dropFirst()))
    if options.edge {
        let start = Date()
        let cases = try await EdgeCertification.cases(count: options.edgeProfiles, jobs: options.jobs)
        let outcomes = try await EdgeCertification.run(cases, seeds: options.edgeSeeds, jobs: options.jobs)
        log(String(format: "edge certification took %.0f s", Date().timeIntervalSince(start)))
        print(EdgeCertification.table(outcomes))
        return
    }
    let drawn = Profile.generate(count: options.profiles)
    let heldOut = Profile.generate(count: options.heldOut, seed: Profile.heldOutSeed, firstID: Profile.heldOutFirstID)
    let profiles = drawn + Profile.noisyTwins(of: drawn, firstID: options.profiles) + heldOut
    let truths = try await groundTruth(for: profiles, options: options)
    if let traced = options.trace {
        // Profile numbers are IDs, not places: the held-out ones start at Profile.heldOutFirstID.
        guard let truth = truths.first(where: { $0.profileID == traced }) else {
            return print("no profile #\(traced): the drawn ones are #0-#\(options.profiles * 2 - 1), the held-out ones from #\(Profile.heldOutFirstID)")
        }
        print("profile \(truth.profile.label): limit \(truth.limitSeconds) s, answer \(truth.answer.map(String.init) ?? "none")\(truth.ambiguous ? " (ambiguous)" : "")")
        for level in truth.levels { print(String(format: "  truth N=%d stat=%.4g err=%.4f X=%.4g", level.concurrency, level.statistic, level.errorRate, level.throughput)) }
        for name in options.strategies {
            let outcome = try await runSearch(name, profile: truth.profile, truth: truth, seed: options.traceSeed)
            print("\n\(name): answer \(outcome.recommendation.map { "\($0.concurrency) feasible=\($0.isFeasible)" } ?? "none"), \(outcome.totals.requests) requests, \(outcome.stopReason)")
            for step in outcome.steps {
                print("  \(step.step) N=\(step.concurrency) \(step.phase) \(step.test) → \(step.verdict) [\(step.observedText)] n=\(step.measuredRequests) cum=\(step.cumulativeRequests) :: \(step.reason)")
            }
        }
        return
    }
    if options.warm {
        let clear = truths.filter { !$0.ambiguous && $0.profile.twinOf == nil }
        let start = Date()
        let outcomes = try await WarmStartCheck.run(options.quick ? Array(clear.prefix(10)) : clear, seeds: options.quick ? 2 : options.seeds, jobs: options.jobs)
        log(String(format: "warm starts took %.0f s", Date().timeIntervalSince(start)))
        print(WarmStartCheck.table(outcomes))
        return
    }
    let selected = options.quick ? Array(truths.prefix(20)) : truths
    let seeds = options.quick ? 3 : options.seeds
    let jobsList = selected.flatMap { truth in (1...seeds).flatMap { seed in options.strategies.map { (truth, UInt64(seed), $0) } } }
    log("running \(jobsList.count) searches (\(selected.count) profiles × \(seeds) seeds × \(options.strategies.count) strategies) on \(options.jobs) cores")
    let start = Date()
    let trials = try await parallelMap(jobsList, jobs: options.jobs) { job in
        let (truth, seed, name) = job
        let outcome = try await runSearch(name, profile: truth.profile, truth: truth, seed: seed)
        return Trial(profile: truth.profileID, strategy: name, outcome: outcome, truth: truth)
    }
    log(String(format: "searches took %.0f s", Date().timeIntervalSince(start)))
    let board = Scoreboard(trials: trials)
    if options.detail {
        for truth in selected {
            print("\(truth.profile.label): answer \(truth.answer.map(String.init) ?? "none")\(truth.ambiguous ? " (ambiguous)" : "")")
            for name in options.strategies {
                let mine = trials.filter { $0.profile == truth.profileID && $0.strategy == name }
                let answers = mine.map { "\($0.answer.map(String.init) ?? "-")\($0.feasible ? "" : "!")\($0.withinThroughput ? "" : "~")" }.joined(separator: " ")
                print("    \(name.padding(toLength: 24, withPad: " ", startingAt: 0)) \(answers)   requests \(mine.map { String($0.requests) }.joined(separator: " "))")
            }
        }
    }
    let ambiguous = Set(selected.filter(\.ambiguous).map(\.profileID))
    let twins = selected.filter { $0.profile.twinOf != nil }
    let tuned = selected.filter { $0.profileID < options.profiles }
    let heldOutTruths = selected.filter { $0.profileID >= Profile.heldOutFirstID }
    print("Search benchmark: \(tuned.count) profiles (\(tuned.filter { !$0.ambiguous }.count) not ambiguous), \(twins.count) noisy twins and \(heldOutTruths.count) held-out profiles (\(heldOutTruths.filter { !$0.ambiguous }.count) not ambiguous), \(seeds) seeds each, costs as ratios to model-analyzer")
    print(board.table(title: "Profiles that are not ambiguous", where: { !ambiguous.contains($0.profile) && $0.profile < options.profiles }, order: options.strategies, reference: "model-analyzer"))
    print(board.table(title: "Ambiguous profiles (the answer's neighbour is within 2% of the budget or gains under 0.5% throughput, or the truth's own intervals admit answers 2% apart)", where: { ambiguous.contains($0.profile) && $0.profile < options.profiles }, order: options.strategies, reference: "model-analyzer"))
    // The rule of ../research/algorithms.md §3 alone, for comparison with results before the
    // truth's own uncertainty was counted.
    let neighbourRule = Set(selected.filter { $0.ambiguities.contains { $0 != .truthUncertain } }.map(\.profileID))
    print(board.table(title: "Profiles not ambiguous by the neighbour rule alone (../research/algorithms.md §3)", where: { !neighbourRule.contains($0.profile) && $0.profile < options.profiles }, order: options.strategies, reference: "model-analyzer"))
    if !heldOutTruths.isEmpty {
        // Judged on profiles the search's rules never saw: drawn from another seed.
        let heldOutIDs = Set(heldOutTruths.map(\.profileID))
        print(board.table(title: "Held-out profiles that are not ambiguous", where: { heldOutIDs.contains($0.profile) && !ambiguous.contains($0.profile) }, order: options.strategies, reference: "model-analyzer"))
        print(board.table(title: "Held-out profiles that are ambiguous", where: { heldOutIDs.contains($0.profile) && ambiguous.contains($0.profile) }, order: options.strategies, reference: "model-analyzer"))
    }
    if !twins.isEmpty {
        // Like for like: calm profiles whose twin is also not ambiguous, and those twins.
        let pairs = twins.filter { !$0.ambiguous && !ambiguous.contains($0.profile.twinOf!) }
        let calm = Set(pairs.map { $0.profile.twinOf! })
        let noisy = Set(pairs.map(\.profileID))
        print(board.table(title: "Calm profiles (low noise, no faults), \(calm.count) not ambiguous with a not-ambiguous twin", where: { calm.contains($0.profile) }, order: options.strategies, reference: "model-analyzer"))
        print(board.table(title: "Their twins with high noise (step CV 10%, stalls) and 0.5% random 5xx", where: { noisy.contains($0.profile) }, order: options.strategies, reference: "model-analyzer"))
    }
}

try await main()
