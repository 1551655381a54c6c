import Crest
import Foundation

/// Everything a sweep run needs to know before its first request: what it measures, with what,
/// against which budget, how it chooses levels, and where its results go.
public struct SweepPlan: Sendable {
    public let target: Target
    public let dataset: Dataset
    public let budget: Budget
    public let method: SweepMethod
    public let seed: UInt64
    public let confidence: Double
    public let requestTimeoutSeconds: Double
    /// A live client's other timeouts; nil for the simulator.
    public let clientTimeouts: ClientTimeouts?
    public let maxOutputTokens: Int?
    /// The results folder; it must be empty or not exist yet, unless the plan resumes it.
    public let folder: String
    /// The interrupted sweep this plan continues, in `folder`; nil for a new sweep.
    public var resuming: InterruptedSweep?
    /// An earlier sweep of the same target and dataset the adaptive search starts from (`--prior`).
    public var prior: PriorSweep?

    public init(
        target: Target, dataset: Dataset, budget: Budget, method: SweepMethod, seed: UInt64, confidence: Double = 0.95,
        requestTimeoutSeconds: Double, clientTimeouts: ClientTimeouts? = nil, maxOutputTokens: Int?, folder: String
    ) {
        self.clientTimeouts = clientTimeouts
        self.target = target
        self.dataset = dataset
        self.budget = budget
        self.method = method
        self.seed = seed
        self.confidence = confidence
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.maxOutputTokens = maxOutputTokens
        self.folder = folder
    }

    /// The manifest of a sweep of this plan started at `date`.
    func manifest(startedAt date: Date) -> RunManifest {
        RunManifest(
            target: target, dataset: dataset, budget: budget,
            settings: RunManifest.Settings(
                method: method, seed: seed, confidence: confidence, requestTimeoutSeconds: requestTimeoutSeconds,
                clientTimeouts: clientTimeouts, maxOutputTokens: maxOutputTokens, prior: prior?.folder),
            startedAt: date)
    }

    /// What differs between this plan and the sweep stored in its folder, named as run.json names
    /// it; empty when the stored sweep is this plan's and can be continued.
    public func differences(from stored: RunManifest) -> [String] {
        let planned = manifest(startedAt: Date())
        var differences: [String] = []
        func compare(_ field: String, _ stored: String, _ planned: String) {
            if stored != planned { differences.append("\(field): the folder's is \(stored), this command's \(planned)") }
        }
        compare("target", "\(stored.target.name) (\(stored.target.kind.rawValue), model \(stored.target.model))",
                "\(planned.target.name) (\(planned.target.kind.rawValue), model \(planned.target.model))")
        compare("dataset", stored.dataset.identity, planned.dataset.identity)
        compare("budget", stored.budget.description, planned.budget.description)
        compare("settings", Self.describe(stored.settings), Self.describe(planned.settings))
        return differences
    }

    private static func describe(_ settings: RunManifest.Settings) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(settings)) ?? Data(), as: UTF8.self)
    }

    /// Why the sweep in `stored` cannot be this plan's prior: what differs in the target or the
    /// dataset, as run.json names them; empty when it can.
    public func priorDifferences(from stored: RunManifest) -> [String] {
        let planned = manifest(startedAt: Date())
        var differences: [String] = []
        if stored.target.name != planned.target.name || stored.target.model != planned.target.model {
            differences.append("it measured \(stored.target.name) (model \(stored.target.model)), this sweep \(planned.target.name) (model \(planned.target.model))")
        }
        if stored.dataset.fingerprint != planned.dataset.fingerprint || stored.dataset.workload != planned.dataset.workload {
            differences.append("its dataset was \(stored.dataset.identity), this sweep's \(planned.dataset.identity)")
        }
        return differences
    }

    /// The strategy that chooses the levels.
    var strategy: any SearchStrategy {
        switch method {
        case .fixed(let levels, let length): return FixedListSearch(levels: levels, length: length)
        case .adaptive(_, let tolerance): return AdaptiveSearch(plateauTolerance: tolerance, prior: prior)
        }
    }

    /// The limits of the search: a fixed list has none but its own levels.
    var limits: SearchLimits {
        if case .adaptive(let limits, _) = method { return limits }
        return SearchLimits(maxConcurrency: Int.max)
    }
}
