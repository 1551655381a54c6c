import Foundation

/// A results folder of a sweep that did not finish (interrupted, failed, or killed), made ready to
/// continue: a line torn by a kill at the end of search.jsonl or samples.jsonl is dropped, and so
/// are the samples of a step whose search line was never written (the measurement the kill cut
/// short, which the resumed sweep measures again). What is left is the sweep's finished steps,
/// read back exactly.
public struct InterruptedSweep: Sendable {
    public let stored: StoredSweep
    /// What was dropped, in sentences for the console.
    public let repairs: [String]

    /// Repairs `folder`'s two line files (atomically, only where something is dropped) and reads it.
    /// - Throws: `ResultsError` when the folder is not a sweep's, finished already, or holds a bad
    ///   line that is not the last (edited, not torn).
    public static func prepare(folder: String) throws -> InterruptedSweep {
        let manifest = try StoredSweep.readManifest(folder: folder)
        if manifest.status == .finished {
            throw ResultsError.unreadable(path: "\(folder)/run.json", line: nil, reason: "the sweep finished; there is nothing to resume")
        }
        var repairs: [String] = []
        let searchPath = "\(folder)/search.jsonl"
        var stepLines = try lines(of: searchPath)
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        if let last = stepLines.last, (try? decoder.decode(SearchLine.self, from: Data(last.utf8))) == nil {
            stepLines.removeLast()
            repairs.append("search.jsonl: dropped a torn last line (step \(stepLines.count + 1), cut short by the interruption)")
            try rewrite(searchPath, stepLines)
        }
        let finishedSteps = stepLines.count
        let samplesPath = "\(folder)/samples.jsonl"
        let sampleLines = try lines(of: samplesPath)
        var kept: [String] = []
        kept.reserveCapacity(sampleLines.count)
        var torn = false
        var unfinished = 0
        for (index, line) in sampleLines.enumerated() {
            let parsed = try? Array(line.utf8).withUnsafeBufferPointer { try SampleLineParser.parse($0) }
            guard let parsed else {
                guard index == sampleLines.count - 1 else {
                    throw ResultsError.unreadable(path: samplesPath, line: index + 1, reason: "not a sample line, and not the last one a kill could have torn")
                }
                torn = true
                continue
            }
            if parsed.step > finishedSteps { unfinished += 1 } else { kept.append(line) }
        }
        if torn { repairs.append("samples.jsonl: dropped a torn last line") }
        if unfinished > 0 {
            repairs.append("samples.jsonl: dropped \(unfinished) sample\(unfinished == 1 ? "" : "s") of step \(finishedSteps + 1), whose measurement did not finish; it is measured again")
        }
        if torn || unfinished > 0 { try rewrite(samplesPath, kept) }
        return InterruptedSweep(stored: try StoredSweep.read(folder: folder), repairs: repairs)
    }

    /// The non-empty lines of `path` (an absent file has none).
    private static func lines(of path: String) throws -> [String] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ResultsError.unreadable(path: path, line: nil, reason: "cannot read the file")
        }
        return text.split(separator: "\n").map(String.init)
    }

    /// Replaces `path` with `lines`, atomically: a second kill leaves the old file or the new one.
    private static func rewrite(_ path: String, _ lines: [String]) throws {
        let text = lines.map { $0 + "\n" }.joined()
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ResultsError.unwritable(path: path, reason: ResultsError.reason(of: error))
        }
    }
}
