import Foundation

/// Generates the shipped prompt bins: for each bin, `promptsPerBin` synthetic prompts whose
/// estimated lengths spread evenly over the bin, written as FMBench payload JSONL.
public struct DatasetGenerator: Sendable {
    public let seed: UInt64
    public let promptsPerBin: Int
    public let bins: [PromptBin]

    public init(seed: UInt64, promptsPerBin: Int, bins: [PromptBin] = PromptBin.standard) {
        precondition(promptsPerBin > 0, "a bin needs at least one prompt")
        self.seed = seed
        self.promptsPerBin = promptsPerBin
        self.bins = bins
    }

    /// The prompts of `bin`, each inside the bin by the token estimate.
    public func prompts(for bin: PromptBin) -> [String] {
        var text = SyntheticText(seed: derivedSeed(seed, UInt64(bin.lowerTokens), UInt64(bin.upperTokens)))
        var lengths = SeededRandom(seed: derivedSeed(seed, UInt64(bin.lowerTokens), 0x1E46))
        // Leave room for the instruction and question at the bottom, and for the last sentence at the top.
        let low = max(bin.lowerTokens, 90)
        let high = bin.upperTokens - 45
        var prompts: [String] = []
        prompts.reserveCapacity(promptsPerBin)
        while prompts.count < promptsPerBin {
            // Stratified targets spread the prompts over the whole bin rather than bunching them.
            let stratum = Double(prompts.count) + lengths.nextUnit()
            let target = low + Int(stratum / Double(promptsPerBin) * Double(high - low))
            let prompt = text.prompt(targetTokens: target)
            if bin.contains(tokens: TokenEstimator.estimate(prompt)) { prompts.append(prompt) }
        }
        return prompts
    }

    /// The JSONL text of `bin`: one `{"inputs": "..."}` object per line.
    public func payloadLines(for bin: PromptBin) -> String {
        prompts(for: bin).map { "{\"inputs\": \(JSONText.quoted($0))}\n" }.joined()
    }

    /// Writes every bin to `folder/<bin>.jsonl` and the settings to `folder/generator.json`.
    /// - Returns: the paths written.
    public func write(to folder: String) throws -> [String] {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw WorkloadError.unwritable(path: folder, reason: (error as NSError).localizedDescription)
        }
        var written: [String] = []
        for bin in bins {
            let path = "\(folder)/\(bin.name).jsonl"
            try write(payloadLines(for: bin), to: path)
            written.append(path)
        }
        let settings = """
            {
              "generator": "crest datasets generate",
              "seed": \(seed),
              "prompts_per_bin": \(promptsPerBin),
              "bins": [\(bins.map { "\"\($0.name)\"" }.joined(separator: ", "))],
              "token_counts": "estimated by Crest's TokenEstimator; not carried in the files"
            }

            """
        let settingsPath = "\(folder)/generator.json"
        try write(settings, to: settingsPath)
        written.append(settingsPath)
        return written
    }

    private func write(_ text: String, to path: String) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw WorkloadError.unwritable(path: path, reason: (error as NSError).localizedDescription)
        }
    }
}
