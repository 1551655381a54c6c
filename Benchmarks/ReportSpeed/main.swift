// Report speed: how long `crest report` takes for a results folder of about a million samples.
// It simulates a fixed sweep of ten levels of 100,000 measured requests each into a temporary
// folder (not timed), then times reading the folder back, computing every level's statistics and
// verdicts, and rendering report.md, report.html and the plots. Run it in release:
//
//     swift run -c release ReportSpeed
import Crest
import CrestReport
import CrestSimulator
import CrestSweep
import Foundation

func measureReportSpeed() async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crest-report-speed-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let bin = PromptBin.standard[1]
    let dataset = try DatasetLoader().parse(Data(DatasetGenerator(seed: 7, promptsPerBin: 120).payloadLines(for: bin).utf8), path: "\(bin.name).jsonl")
    let budget = Budget(latency: [try LatencyConstraint(parsing: "e2e.p95<=20s")], maxErrorRate: 0.01)
    let perLevel = CommandLine.arguments.contains("--quick") ? 10_000 : 100_000
    let levels = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512].map(Level.init(concurrency:))
    let method = SweepMethod.fixed(levels: levels, length: .requests(perLevel))
    let preset = SimulatorPreset.a100
    // The folder is written as `crest sweep` writes it: by a sweep run.
    let plan = SweepPlan(
        target: Target(name: "sim:\(preset.name)", kind: .simulator, model: preset.model, instanceLabel: preset.instanceLabel, pricing: preset.pricing),
        dataset: dataset, budget: budget, method: method, seed: 1, requestTimeoutSeconds: 600, maxOutputTokens: nil, folder: folder)
    let measurer = SimulatedMeasurer(endpoint: preset.endpoint, dataset: dataset, seed: 1, requestTimeoutSeconds: 600)
    _ = try await SweepRun(plan: plan, measurer: measurer).run()
    let lines = try String(contentsOfFile: "\(folder)/samples.jsonl", encoding: .utf8).utf8.count { $0 == 10 }
    let bytes = (try FileManager.default.attributesOfItem(atPath: "\(folder)/samples.jsonl")[.size] as? Int) ?? 0

    let clock = ContinuousClock()
    var timings: [(String, Duration)] = []
    var start = clock.now
    let stored = try StoredSweep.read(folder: folder)
    timings.append(("read the folder", clock.now - start))
    start = clock.now
    let input = SweepReportInput(stored: stored, generatedAt: Date())
    let report = SweepReport(input)
    timings.append(("statistics and verdicts", clock.now - start))
    start = clock.now
    try SweepReportFiles.write(report, input: input, runs: stored.runs, into: folder)
    timings.append(("render and write", clock.now - start))

    print("results folder: \(lines) samples (\(bytes / 1_000_000) MB of samples.jsonl), \(stored.runs.count) levels")
    for (name, duration) in timings { print("  \(name.padding(toLength: 26, withPad: " ", startingAt: 0)) \(String(format: "%.3f s", duration.seconds))") }
    print(String(format: "  %@ %.3f s", "total".padding(toLength: 26, withPad: " ", startingAt: 0), timings.map(\.1.seconds).reduce(0, +)))
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

try await measureReportSpeed()
