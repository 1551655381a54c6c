import Foundation

/// Writes a sweep's results folder as the sweep goes: samples are appended and flushed after each
/// level, levels.csv is rewritten whole (atomically) after each level, and run.json and
/// recommendation.json are written at the start and the end. Whatever a finished level wrote
/// survives a crash.
public final class ResultsWriter {
    public let folder: String
    private let samples: FileHandle
    private var levels: [LevelResult] = []
    private let pricing: Pricing?

    /// Creates `folder` (and its parents) and starts the run's files.
    /// - Throws: `ResultsError.occupied` if the folder already holds files.
    public init(folder: String, manifest: RunManifest) throws {
        let files = FileManager.default
        if let existing = try? files.contentsOfDirectory(atPath: folder), !existing.isEmpty {
            throw ResultsError.occupied(path: folder)
        }
        do {
            try files.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let samplesPath = "\(folder)/samples.jsonl"
            guard files.createFile(atPath: samplesPath, contents: nil) else {
                throw ResultsError.unwritable(path: samplesPath, reason: "the file could not be created")
            }
            samples = try FileHandle(forWritingTo: URL(fileURLWithPath: samplesPath))
        } catch let error as ResultsError {
            throw error
        } catch {
            throw ResultsError.unwritable(path: folder, reason: (error as NSError).localizedDescription)
        }
        self.folder = folder
        pricing = manifest.target.pricing
        try write(manifest: manifest)
    }

    deinit {
        try? samples.close()
    }

    /// Appends a finished level's samples and rewrites levels.csv.
    public func record(_ run: LevelRun, _ result: LevelResult) throws {
        var text = ""
        text.reserveCapacity(run.samples.count * 240)
        for sample in run.samples { text += sample.jsonLine }
        do {
            try samples.write(contentsOf: Data(text.utf8))
            try samples.synchronize()
        } catch {
            throw ResultsError.unwritable(path: "\(folder)/samples.jsonl", reason: (error as NSError).localizedDescription)
        }
        levels.append(result)
        try write(LevelsTable.csv(levels, pricing: pricing), to: "levels.csv")
    }

    /// Writes recommendation.json.
    public func write(recommendation: Recommendation, budget: Budget) throws {
        try write(json: RecommendationRecord(recommendation, budget: budget, pricing: pricing), to: "recommendation.json")
    }

    /// Writes run.json.
    public func write(manifest: RunManifest) throws {
        try write(json: manifest, to: "run.json")
    }

    /// Writes a file of the folder atomically.
    public func write(_ text: String, to name: String) throws {
        let path = "\(folder)/\(name)"
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ResultsError.unwritable(path: path, reason: (error as NSError).localizedDescription)
        }
    }

    private func write(json value: some Encodable, to name: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        try write(String(decoding: data, as: UTF8.self) + "\n", to: name)
    }
}
