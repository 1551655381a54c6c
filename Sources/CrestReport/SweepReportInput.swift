import Crest
import Foundation

/// Everything a sweep report is computed from.
public struct SweepReportInput: Sendable {
    public let manifest: RunManifest
    /// The folder name of the run, used as FMBench's experiment_name.
    public let experimentName: String
    public let levels: [LevelResult]
    public let recommendation: Recommendation?
    public let totals: SweepTotals
    public let budget: Budget
    public let plan: SweepPlan
    /// True when times are a simulator's virtual time.
    public let isSimulated: Bool
    public let generatedAt: Date

    public init(
        manifest: RunManifest, experimentName: String, levels: [LevelResult], recommendation: Recommendation?,
        totals: SweepTotals, budget: Budget, plan: SweepPlan, isSimulated: Bool, generatedAt: Date
    ) {
        self.manifest = manifest
        self.experimentName = experimentName
        self.levels = levels
        self.recommendation = recommendation
        self.totals = totals
        self.budget = budget
        self.plan = plan
        self.isSimulated = isSimulated
        self.generatedAt = generatedAt
    }

    var pricing: Pricing? { manifest.target.pricing }
    var instance: String { manifest.target.instanceLabel }
    var payloadFile: String { URL(fileURLWithPath: manifest.dataset.path).lastPathComponent }
}
