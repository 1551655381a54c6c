import Crest
import Foundation

/// Everything a sweep report is computed from.
public struct SweepReportInput: Sendable {
    public let manifest: RunManifest
    /// The folder name of the run, used as FMBench's experiment_name.
    public let experimentName: String
    /// One result per measured concurrency (its most informative run), sorted by concurrency.
    public let levels: [LevelResult]
    /// How many times each concurrency was measured.
    public let runs: [Int: Int]
    public let recommendation: Recommendation?
    public let steps: [SearchStep]
    public let stopReason: SearchStopReason
    public let totals: SweepTotals
    public let generatedAt: Date

    public init(manifest: RunManifest, experimentName: String, outcome: SearchOutcome, generatedAt: Date) {
        self.manifest = manifest
        self.experimentName = experimentName
        levels = outcome.levels.mostInformativePerLevel
        runs = outcome.levels.runsPerLevel
        recommendation = outcome.recommendation
        steps = outcome.steps
        stopReason = outcome.stopReason
        totals = outcome.totals
        self.generatedAt = generatedAt
    }

    public var budget: Budget { manifest.budget }
    public var method: SweepMethod { manifest.settings.method }
    /// True when times are a simulator's virtual time.
    public var isSimulated: Bool { manifest.target.isSimulator }
    var plateauTolerance: Double { manifest.settings.plateauTolerance }

    var pricing: Pricing? { manifest.target.pricing }
    var instance: String { manifest.target.instanceLabel }
    var payloadFile: String { URL(fileURLWithPath: manifest.dataset.path).lastPathComponent }
}
