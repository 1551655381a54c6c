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
    /// recommendation.json, when the sweep got as far as writing it.
    public let recommendation: RecommendationRecord?
    /// What was left out as it was read: a last line a kill cut short, in the user's words.
    public let notes: [String]

    /// Reads `folder`'s run.json alone.
    public static func readManifest(folder: String) throws -> RunManifest {
        let manifestPath = "\(folder)/run.json"
        guard FileManager.default.fileExists(atPath: manifestPath) else {
            throw ResultsError.unreadable(path: folder, line: nil, reason: "not a Crest results folder (it has no run.json)")
        }
        do {
            return try JSONDecoder().decode(RunManifest.self, from: Data(contentsOf: URL(fileURLWithPath: manifestPath)))
        } catch {
            throw ResultsError.unreadable(path: manifestPath, line: nil, reason: Self.reason(error))
        }
    }

    /// Reads `folder`. Errors name the file and line.
    public static func read(folder: String) throws -> StoredSweep {
        let manifest = try readManifest(folder: folder)
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        var lines: [SearchLine] = []
        var notes: [String] = []
        try forEachLine(of: "\(folder)/search.jsonl") { text, number, path, isCutShort in
            do {
                lines.append(try decoder.decode(SearchLine.self, from: Data(text.utf8)))
            } catch {
                guard isCutShort else { throw ResultsError.unreadable(path: path, line: number, reason: Self.reason(error)) }
                notes.append(Self.cutShortNote("search.jsonl", line: number))
            }
        }
        let (samplesByStep, samplesNote) = try readSamples("\(folder)/samples.jsonl")
        if let samplesNote { notes.append(samplesNote) }
        var runs: [LevelRun] = []
        for line in lines {
            guard let record = line.run else {
                throw ResultsError.unreadable(
                    path: "\(folder)/search.jsonl", line: line.step.step,
                    reason: "step \(line.step.step) has no run window (written by a Crest before 0.2); rerun the sweep")
            }
            guard line.step.concurrency == record.level.concurrency else {
                throw ResultsError.unreadable(
                    path: "\(folder)/search.jsonl", line: lines.firstIndex { $0.step.step == line.step.step }.map { $0 + 1 },
                    reason: "field 'concurrency': \(line.step.concurrency) is not the level its run measured (run.concurrency \(record.level.concurrency))")
            }
            let samples = samplesByStep[line.step.step] ?? []
            if let stray = samples.first(where: { $0.level != record.level.concurrency }) {
                throw ResultsError.unreadable(
                    path: "\(folder)/samples.jsonl", line: nil,
                    reason: "a sample of step \(line.step.step) (client \(stray.client), seq \(stray.seq)) is of level \(stray.level), where search.jsonl's step \(line.step.step) measured level \(record.level.concurrency)")
            }
            runs.append(record.with(samples: samples))
        }
        return StoredSweep(
            folder: folder, manifest: manifest, steps: lines.map(\.step), runs: runs,
            recommendation: try readRecommendation("\(folder)/recommendation.json"), notes: notes)
    }

    /// A sweep stopped while writing a line (kill -9, a second Ctrl-C, a power cut) leaves it
    /// without its newline: such a last line is no error in the folder, only a request or a step
    /// that did not finish being written, and is left out.
    private static func cutShortNote(_ file: String, line: Int) -> String {
        "\(file): line \(line), the last, was cut short as it was written (the sweep was stopped then) and is left out"
    }

    private static func readRecommendation(_ path: String) throws -> RecommendationRecord? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            return try JSONDecoder().decode(RecommendationRecord.self, from: data)
        } catch {
            throw ResultsError.unreadable(path: path, line: nil, reason: Self.reason(error))
        }
    }

    /// Calls `body` with each non-empty line, its 1-based number, and whether it is a last line
    /// without its newline (cut short).
    private static func forEachLine(of path: String, _ body: (Substring, Int, String, Bool) throws -> Void) throws {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ResultsError.unreadable(path: path, line: nil, reason: "cannot read the file")
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() where !line.isEmpty {
            try body(line, index + 1, path, index == lines.count - 1)
        }
    }

    /// The samples of `path`, by search step: its bytes split into lines and parsed in place, in
    /// slices on every core (a million lines take a second on one), then gathered in file order.
    private static func readSamples(_ path: String) throws -> ([Int: [Sample]], note: String?) {
        guard var data = FileManager.default.contents(atPath: path) else {
            throw ResultsError.unreadable(path: path, line: nil, reason: "cannot read the file")
        }
        var note: String?
        if let last = data.last, last != 10 {
            let cut = data.lastIndex(of: 10).map { $0 + 1 } ?? data.startIndex
            if (try? Sample(jsonLine: String(decoding: data[cut...], as: UTF8.self))) == nil {
                note = cutShortNote("samples.jsonl", line: data[..<cut].count { $0 == 10 } + 1)
                data = data.prefix(upTo: cut)
            }
        }
        let samples = try data.withUnsafeBytes { raw in
            let bytes = SharedBytes(base: raw.bindMemory(to: UInt8.self))
            let slices = sliceBoundaries(bytes.base, count: 4 * ProcessInfo.processInfo.activeProcessorCount)
            let results = SliceResults(count: slices.count - 1)
            DispatchQueue.concurrentPerform(iterations: slices.count - 1) { index in
                results.store(parseSlice(bytes.base, from: slices[index], to: slices[index + 1]), at: index)
            }
            var samples: [Int: [Sample]] = [:]
            var linesBefore = 0
            for slice in results.all {
                if let failure = slice.failure {
                    throw ResultsError.unreadable(path: path, line: linesBefore + failure.line, reason: failure.reason)
                }
                for (step, sample) in slice.samples { samples[step, default: []].append(sample) }
                linesBefore += slice.lines
            }
            return samples
        }
        return (samples, note)
    }

    /// Slice boundaries at line starts, about `count` slices of equal size.
    private static func sliceBoundaries(_ bytes: UnsafeBufferPointer<UInt8>, count: Int) -> [Int] {
        var boundaries = [0]
        for index in 1..<max(count, 1) {
            let guess = bytes.count * index / count
            guard guess > boundaries.last! else { continue }
            let start = (bytes[guess...].firstIndex(of: 10) ?? bytes.count - 1) + 1
            if start > boundaries.last!, start < bytes.count { boundaries.append(start) }
        }
        boundaries.append(bytes.count)
        return boundaries
    }

    private static func parseSlice(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> SliceResult {
        var result = SliceResult()
        var start = from
        while start < to {
            let end = bytes[start..<to].firstIndex(of: 10) ?? to
            result.lines += 1
            if end > start {
                do {
                    result.samples.append(try SampleLineParser.parse(UnsafeBufferPointer(rebasing: bytes[start..<end])))
                } catch let failure as SampleLineParser.Failure {
                    result.failure = (result.lines, (failure.field.map { "field '\($0)': " } ?? "") + "expected " + failure.expected)
                    return result
                } catch {
                    result.failure = (result.lines, "\(error)")
                    return result
                }
            }
            start = end + 1
        }
        return result
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

/// One slice's lines: its samples in order, how many lines it had, and its first bad line.
private struct SliceResult {
    var samples: [(step: Int, sample: Sample)] = []
    var lines = 0
    var failure: (line: Int, reason: String)?
}

/// The file's bytes, read (never written) by every slice's thread while `readSamples` holds them.
private struct SharedBytes: @unchecked Sendable {
    let base: UnsafeBufferPointer<UInt8>
}

/// One slot per slice, each written by its own thread only, through a pointer (no shared array
/// access, which exclusivity checking would refuse).
private final class SliceResults: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<SliceResult>

    init(count: Int) {
        slots = .allocate(capacity: count)
        _ = slots.initialize(from: repeatElement(SliceResult(), count: count))
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    func store(_ result: SliceResult, at index: Int) { slots[index] = result }

    var all: [SliceResult] { Array(slots) }
}
