import Crest
import CrestSimulator
import Foundation

/// `--warm`: Crest's warm start (`crest sweep --prior`) against the cold search it starts from, on
/// the profiles that are not ambiguous. For each profile and seed, a cold search; then, from its
/// results, a warm start on the same endpoint with a seed of its own (another day, the same
/// endpoint), and one on the endpoint with a fifth of its capacity gone (`SimulatedEndpoint.slowed`).
enum WarmStartCheck {
    struct Outcome: Sendable {
        let profile: Int
        let cold: Trial
        /// The warm start on the unchanged endpoint, scored against the truth.
        let warm: Trial
        /// True when the warm start on the unchanged endpoint said the endpoint had changed.
        let falseAlarm: Bool
        /// True when the warm start on the slower endpoint said it had changed.
        let dropDetected: Bool
    }

    /// How much slower the changed endpoint is: 1.25 times every step, 20% less capacity.
    static let slowdown = 1.25

    static func run(_ truths: [GroundTruth], seeds: Int, jobs: Int) async throws -> [Outcome] {
        let jobsList = truths.flatMap { truth in (1...seeds).map { (truth, UInt64($0)) } }
        log("running \(jobsList.count) warm starts (\(truths.count) profiles × \(seeds) seeds), each with its cold search and a slower twin")
        let outcomes = try await parallelMap(jobsList, jobs: jobs) { truth, seed -> Outcome? in
            let (cold, runs) = try await search(truth, endpoint: truth.profile.endpoint, seed: seed, prior: nil)
            guard let answer = cold.recommendation, answer.isFeasible else { return nil }
            let prior = PriorSweep(folder: "the earlier sweep", answer: answer.concurrency, runs: runs, results: cold.levels)
            let (warm, _) = try await search(truth, endpoint: truth.profile.endpoint, seed: seed + 1_000, prior: prior)
            let (dropped, _) = try await search(truth, endpoint: truth.profile.endpoint.slowed(by: slowdown), seed: seed + 1_000, prior: prior)
            return Outcome(
                profile: truth.profileID, cold: Trial(profile: truth.profileID, strategy: "cold", outcome: cold, truth: truth),
                warm: Trial(profile: truth.profileID, strategy: "warm", outcome: warm, truth: truth),
                falseAlarm: saidChanged(warm), dropDetected: saidChanged(dropped))
        }
        return outcomes.compactMap { $0 }
    }

    private static func saidChanged(_ outcome: SearchOutcome) -> Bool {
        outcome.recommendation?.explanation.contains("Changed since") ?? false
    }

    private static func search(_ truth: GroundTruth, endpoint: SimulatedEndpoint, seed: UInt64, prior: PriorSweep?) async throws -> (SearchOutcome, [LevelRun]) {
        try await runSearch(AdaptiveSearch(prior: prior), truth: truth, endpoint: endpoint, seed: seed)
    }

    static func table(_ outcomes: [Outcome]) -> String {
        func percent(_ count: Int) -> String { String(format: "%.1f%%", 100 * Double(count) / Double(max(outcomes.count, 1))) }
        let ratios = outcomes.map { Double($0.warm.requests) / Double($0.cold.requests) }.sorted()
        let median = quantile(0.5, ofSorted: ratios, method: .linear) ?? 0
        let p90 = quantile(0.9, ofSorted: ratios, method: .linear) ?? 0
        var text = "\nWarm start (--prior) on \(Set(outcomes.map(\.profile)).count) profiles that are not ambiguous, \(outcomes.count) runs with a cold answer\n\n"
        text += "| | share of runs |\n|---|---:|\n"
        text += "| unchanged endpoint: the same answer as the cold search | \(percent(outcomes.count { $0.warm.answer == $0.cold.answer })) |\n"
        text += "| unchanged endpoint: said to have changed (a false alarm) | \(percent(outcomes.count(where: \.falseAlarm))) |\n"
        text += "| unchanged endpoint: answer truly within budget (cold search) | \(percent(outcomes.count(where: \.warm.feasible))) (\(percent(outcomes.count(where: \.cold.feasible)))) |\n"
        text += "| unchanged endpoint: within 2% of optimal throughput (cold search) | \(percent(outcomes.count(where: \.warm.withinThroughput))) (\(percent(outcomes.count(where: \.cold.withinThroughput)))) |\n"
        text += "| endpoint \(Int(((1 - 1 / slowdown) * 100).rounded()))% slower: the change detected | \(percent(outcomes.count(where: \.dropDetected))) |\n"
        text += String(format: "\nRequests of the warm start over the cold search's: median %.2f×, p90 %.2f×\n", median, p90)
        return text
    }
}
