// Simulator speed: how many simulated requests per wall-clock second the discrete-event engine
// sustains at concurrency 1, 64 and 512, for each engine kind. Run it in release:
//
//     swift run -c release SimulatorSpeed
//
// Figures are medians of 3 runs; compare them as ratios within one run, never across machines.
import Crest
import CrestSimulator
import Foundation

func measureSpeed() throws {
    let bin = PromptBin.standard[2]
    let lines = DatasetGenerator(seed: 7, promptsPerBin: 120).payloadLines(for: bin)
    let prompts = try DatasetLoader().parse(Data(lines.utf8), path: "\(bin.name).jsonl").prompts
    let clock = ContinuousClock()

    print("preset                  concurrency  requests  wall s (median of 3)  requests/s  events/s  simulated s per wall s")
    for preset in [SimulatorPreset.a100, SimulatorPreset.hostedAPI] {
        for concurrency in [1, 64, 512] {
            let requests = concurrency == 1 ? 20_000 : 200_000
            var walls: [Double] = []
            var finished = 0
            var events = 0
            var simulated = 0.0
            for repetition in 0..<3 {
                let start = clock.now
                let level = try simulate(
                    endpoint: preset.endpoint, level: Level(concurrency: concurrency), rule: .requests(requests), prompts: prompts,
                    requestTimeoutSeconds: 3600, seed: UInt64(repetition + 1))
                walls.append((clock.now - start).seconds)
                finished = level.run.samples.count
                events = level.events
                simulated = Double(level.run.endedAt - level.run.startedAt) / 1e9
            }
            let wall = walls.sorted()[1]
            print(
                preset.name.padding(toLength: 24, withPad: " ", startingAt: 0)
                    + pad(concurrency, 11) + pad(finished, 10) + pad(String(format: "%.3f", wall), 22)
                    + pad(Int(Double(finished) / wall), 12) + pad(Int(Double(events) / wall), 10)
                    + pad(Int(simulated / wall), 24))
        }
    }
}

func pad(_ value: CustomStringConvertible, _ width: Int) -> String {
    let text = value.description
    return String(repeating: " ", count: max(1, width - text.count)) + text
}

extension Duration {
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}

try measureSpeed()
