import Foundation

/// `crest datasets import`: turns a large conversation file (ShareGPT's 600 MB array, a chat JSONL
/// export) into dataset files a sweep reads at once, filtered and binned by prompt length like
/// FMBench's `en_1-500` bins, reproducibly: the same file and seed give the same bytes.
///
/// The file is read as a stream (`DatasetLoader.stream`): memory holds the conversation being
/// read, the prompts a bin keeps when it samples (`perBin`), and one length per prompt for the
/// summary, never the file. Each prompt becomes one OpenAI chat line: its messages, its answer's
/// length (`output_tokens`), its own cap where it had one, its request parameters, and its token
/// count only where the source carried one (an estimate is made again on loading).
public struct DatasetImport: Sendable {
    /// A range of prompt lengths, `lower ..< upper` tokens, named as FMBench names its bins.
    public struct Bin: Sendable, Equatable {
        public let lower: Int
        public let upper: Int

        public init(lower: Int, upper: Int) {
            self.lower = lower
            self.upper = upper
        }

        /// "1-500".
        public var name: String { "\(lower)-\(upper)" }

        public func holds(_ tokens: Int) -> Bool { tokens >= lower && tokens < upper }

        /// Bins from "1-500,500-1000": each LOW-HIGH with LOW < HIGH; nil names what is wrong.
        public static func parse(_ text: String) -> [Bin]? {
            let bins = text.split(separator: ",").map { part -> Bin? in
                let ends = part.split(separator: "-").map { Int($0.trimmingCharacters(in: .whitespaces)) }
                guard ends.count == 2, let lower = ends[0], let upper = ends[1], lower >= 0, lower < upper else { return nil }
                return Bin(lower: lower, upper: upper)
            }
            guard !bins.isEmpty, bins.allSatisfy({ $0 != nil }) else { return nil }
            return bins.map { $0! }
        }
    }

    /// What one output file received.
    public struct Output: Sendable {
        public let path: String
        public let bin: Bin?
        /// Prompts that fell in it, and those written (fewer when it samples).
        public let seen: Int
        public let written: Int
        /// The written prompts' lengths, sorted, and their answers' where known.
        public let promptTokens: [Int]
        public let outputTokens: [Int]
    }

    public struct Summary: Sendable {
        public let source: DatasetRead
        public let outputs: [Output]
        /// Prompts in no bin.
        public let outsideBins: Int
    }

    /// The bins; nil for one output of every prompt.
    public let bins: [Bin]?
    /// The most prompts each output keeps, drawn uniformly (reservoir sampling); nil for all.
    public let perBin: Int?
    public let seed: UInt64

    public init(bins: [Bin]?, perBin: Int?, seed: UInt64) {
        self.bins = bins
        self.perBin = perBin
        self.seed = seed
    }

    /// The files `out` stands for: itself, or one per bin beside it (`NAME_1-500.jsonl`).
    public func outputPaths(for out: String) -> [String] {
        guard let bins else { return [out] }
        let url = URL(fileURLWithPath: out)
        let stem = url.deletingPathExtension().lastPathComponent
        let folder = url.deletingLastPathComponent()
        return bins.map { folder.appendingPathComponent("\(stem)_\($0.name).jsonl").path }
    }

    /// Imports `source` into `out`. Every output is written to a temporary file and renamed when
    /// the whole source has been read, so a malformed conversation or a full disk leaves none.
    public func run(source: String, out: String) throws -> Summary {
        let paths = outputPaths(for: out)
        var sinks = try paths.enumerated().map { index, path in
            try Sink(path: path, bin: bins?[index], perBin: perBin, seed: derivedSeed(seed, UInt64(index)))
        }
        defer { for sink in sinks { sink.discard() } }
        var outside = 0
        let read = try DatasetLoader().stream(path: source) { prompt in
            guard let index = bins.map({ $0.firstIndex { $0.holds(prompt.promptTokens) } }) ?? 0 else {
                outside += 1
                return
            }
            try sinks[index].take(prompt)
        }
        let outputs = try sinks.indices.map { try sinks[$0].finish() }
        return Summary(source: read, outputs: outputs, outsideBins: outside)
    }

    /// One output file in the making.
    private struct Sink {
        let path: String
        let bin: Bin?
        let perBin: Int?
        private let partial: String
        private let handle: FileHandle
        private var random: SeededRandom
        /// With sampling: the prompts kept so far, with the order they came in.
        private var kept: [(order: Int, prompt: Prompt)] = []
        private var seen = 0
        private var promptTokens: [Int] = []
        private var outputTokens: [Int] = []

        init(path: String, bin: Bin?, perBin: Int?, seed: UInt64) throws {
            self.path = path
            self.bin = bin
            self.perBin = perBin
            partial = path + ".partial"
            random = SeededRandom(seed: seed)
            guard FileManager.default.createFile(atPath: partial, contents: nil), let handle = FileHandle(forWritingAtPath: partial) else {
                throw WorkloadError.unreadable(file: partial, reason: "it cannot be written")
            }
            self.handle = handle
        }

        mutating func take(_ prompt: Prompt) throws {
            seen += 1
            guard let perBin else { return try write(prompt) }
            // Reservoir sampling: after n prompts each is kept with probability perBin / n.
            if kept.count < perBin {
                kept.append((seen, prompt))
            } else {
                let slot = random.nextInt(below: seen)
                if slot < perBin { kept[slot] = (seen, prompt) }
            }
        }

        private mutating func write(_ prompt: Prompt) throws {
            promptTokens.append(prompt.promptTokens)
            if let reply = prompt.replyTokens { outputTokens.append(reply) }
            do {
                try handle.write(contentsOf: DatasetImport.line(prompt))
            } catch {
                throw WorkloadError.unreadable(file: partial, reason: (error as NSError).localizedDescription)
            }
        }

        /// Writes what was kept and puts the file in place; a bin that received nothing gets no
        /// file (an empty file is no dataset).
        mutating func finish() throws -> Output {
            for (_, prompt) in kept.sorted(by: { $0.order < $1.order }) { try write(prompt) }
            try handle.close()
            if promptTokens.isEmpty {
                discard()
            } else {
                if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
                try FileManager.default.moveItem(atPath: partial, toPath: path)
            }
            return Output(path: path, bin: bin, seen: seen, written: promptTokens.count, promptTokens: promptTokens.sorted(), outputTokens: outputTokens.sorted())
        }

        /// Removes the temporary file of an import that did not finish.
        func discard() { try? FileManager.default.removeItem(atPath: partial) }
    }

    /// `prompt` as one OpenAI chat line, keys sorted.
    static func line(_ prompt: Prompt) -> Data {
        var object: [String: Any] = [:]
        object["messages"] = prompt.content.messages.map { ["role": $0.role, "content": $0.content] }
        if let reply = prompt.replyTokens { object["output_tokens"] = reply }
        if let cap = prompt.maxOutputTokens, cap != prompt.replyTokens { object["max_tokens"] = cap }
        if prompt.promptTokensSource == .dataset { object["prompt_tokens"] = prompt.promptTokens }
        for (name, text) in prompt.requestFields {
            object[name] = (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) ?? text
        }
        var line = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        line.append(0x0A)
        return line
    }
}
