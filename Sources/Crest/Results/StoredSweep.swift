import Foundation

/// A results folder read back: the manifest, the search's steps, and every measurement's
/// `LevelRun` exactly as the sweep had it (its window from `search.jsonl`, its samples from the
/// lines of `samples.jsonl` with its step). Statistics, verdicts and plots can be computed again
/// from it, for any budget, without sending a request.
public struct StoredSweep: Sendable {
    public let folder: String
    public let manifest: RunManifest
    public let steps: [SearchStep]
    /// One run per step, in step order.
    public let runs: [LevelRun]

    /// Reads `folder`. Errors name the file and line.
    public static func read(folder: String) throws -> StoredSweep {
        let manifestPath = "\(folder)/run.json"
        guard FileManager.default.fileExists(atPath: manifestPath) else {
            throw ResultsError.unreadable(path: folder, line: nil, reason: "not a Crest results folder (it has no run.json)")
        }
        let manifest: RunManifest
        do {
            manifest = try JSONDecoder().decode(RunManifest.self, from: Data(contentsOf: URL(fileURLWithPath: manifestPath)))
        } catch {
            throw ResultsError.unreadable(path: manifestPath, line: nil, reason: Self.reason(error))
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        var lines: [SearchLine] = []
        try forEachLine(of: "\(folder)/search.jsonl") { text, number, path in
            do {
                lines.append(try decoder.decode(SearchLine.self, from: Data(text.utf8)))
            } catch {
                throw ResultsError.unreadable(path: path, line: number, reason: Self.reason(error))
            }
        }
        let samplesByStep = try readSamples("\(folder)/samples.jsonl")
        var runs: [LevelRun] = []
        for line in lines {
            guard let record = line.run else {
                throw ResultsError.unreadable(
                    path: "\(folder)/search.jsonl", line: line.step.step,
                    reason: "step \(line.step.step) has no run window (written by a Crest before 0.2); rerun the sweep")
            }
            runs.append(record.run(with: samplesByStep[line.step.step] ?? []))
        }
        return StoredSweep(folder: folder, manifest: manifest, steps: lines.map(\.step), runs: runs)
    }

    /// Calls `body` with each non-empty line and its 1-based number.
    private static func forEachLine(of path: String, _ body: (Substring, Int, String) throws -> Void) throws {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ResultsError.unreadable(path: path, line: nil, reason: "cannot read the file")
        }
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            try body(line, index + 1, path)
        }
    }

    /// The samples of `path`, by search step: its bytes split into lines and parsed in place.
    private static func readSamples(_ path: String) throws -> [Int: [Sample]] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ResultsError.unreadable(path: path, line: nil, reason: "cannot read the file")
        }
        var samples: [Int: [Sample]] = [:]
        try data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var start = 0
            var number = 0
            while start < bytes.count {
                let end = bytes[start...].firstIndex(of: 10) ?? bytes.count
                number += 1
                if end > start {
                    do {
                        let (step, sample) = try SampleLineParser.parse(UnsafeBufferPointer(rebasing: bytes[start..<end]))
                        samples[step, default: []].append(sample)
                    } catch let failure as SampleLineParser.Failure {
                        let field = failure.field.map { "field '\($0)': " } ?? ""
                        throw ResultsError.unreadable(path: path, line: number, reason: field + "expected " + failure.expected)
                    }
                }
                start = end + 1
            }
        }
        return samples
    }

    private static func reason(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "field '\(key.stringValue)' is missing"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context), DecodingError.dataCorrupted(let context):
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            return field.isEmpty ? context.debugDescription : "field '\(field)': \(context.debugDescription)"
        default: return (error as NSError).localizedDescription
        }
    }
}
