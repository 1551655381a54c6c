import Crest
import CrestHTTP
import Foundation

/// `crest datasets list|generate|inspect`: the shipped prompt bins and any dataset file.
struct DatasetsCommand: Command {
    static let name = "datasets"
    static let summary = "list, generate, inspect, import or tokenize prompt datasets"
    static let usage = """
        USAGE: crest datasets list [FOLDER]
               crest datasets generate [--seed N] [--count N] [--out FOLDER]
               crest datasets inspect FILE|BIN [--max-tokens N]
               crest datasets import FILE --out NAME.jsonl [--bins 1-500,500-1000,...] [--per-bin N] [--seed N]
               crest datasets tokenize FILE|BIN --url URL [--model NAME] [--api KIND] [--api-key-env VAR]
                                       [--shared-prefix-tokens N [--prefix-groups G]]

          list        the datasets in FOLDER (default datasets/): format, prompts, token lengths
          generate    write the prompt bins en_1-500 ... en_3000-4000 as FMBench payload JSONL, from
                      Crest's own English-like text generator; the same seed gives the same files
                        --seed N       (default 7, the seed of the shipped bins)
                        --count N      prompts per bin (default 120)
                        --out FOLDER   (default datasets)
          inspect     read a dataset as a sweep would and describe it; a malformed line is an error
                      naming the file, line and field
          import      turn a large conversation file (ShareGPT JSON or JSONL, chat JSONL, any format above)
                      into OpenAI chat JSONL a sweep reads at once, read as a stream (a gigabyte in
                      bounded memory): each prompt with its answer's length (output_tokens); with
                      --bins, one file per range of prompt tokens (NAME_1-500.jsonl, lower bound
                      included, upper excluded), prompts in no bin left out; --per-bin N keeps N
                      of each, drawn by --seed (default 7): the same file and seed give the same
                      bytes. Says what each file received (prompt and answer lengths). Existing
                      files are never overwritten.
          tokenize    count every prompt with the endpoint's own tokenizer (POST /tokenize at the URL's
                      root: vLLM, SGLang, llama.cpp, TGI, crest serve) and keep the counts beside the
                      dataset as FILE.tokens.json, where crest sweep --tokenize finds them; says how
                      far Crest's estimate was. The dataset file is never rewritten.

        EXIT CODES
          0 done   1 the files could not be written, or the tokenizer could not be asked
          2 bad usage, a malformed dataset (inspect, import, tokenize), or an output that exists (import)
        """

    enum Action {
        case list(folder: String)
        case generate(DatasetGenerator, folder: String)
        case inspect(nameOrPath: String, maxOutputTokens: Int?)
        case tokenize(nameOrPath: String, endpoint: LiveEndpoint, shape: WorkloadShape)
        case importing(source: String, out: String, DatasetImport)
    }

    let action: Action

    init(arguments: ArgumentList) throws {
        var arguments = arguments
        let seed = try arguments.seed() ?? 7
        let count = try arguments.positiveInteger("--count", atMost: 1_000_000) ?? 120
        let out = try arguments.value("--out")
        let maxTokens = try arguments.positiveInteger("--max-tokens", atMost: Prompt.largestTokenCount)
        // The endpoint to count with, as crest sweep names one (tokenize only).
        let target = arguments.contains("--url") ? try SweepTarget.parse(&arguments, environment: ProcessInfo.processInfo.environment) : nil
        let prefixTokens = try arguments.positiveInteger("--shared-prefix-tokens", atMost: Prompt.largestTokenCount)
        let prefixGroups = try arguments.positiveInteger("--prefix-groups", atMost: WorkloadShape.mostPrefixGroups)
        let binsText = try arguments.value("--bins")
        let perBin = try arguments.positiveInteger("--per-bin", atMost: 10_000_000)
        let words = arguments.positionals()
        try arguments.finish(command: Self.name)
        switch words.first {
        case "list":
            action = .list(folder: words.count > 1 ? words[1] : "datasets")
        case "generate":
            action = .generate(DatasetGenerator(seed: seed, promptsPerBin: count), folder: out ?? "datasets")
        case "inspect":
            guard words.count == 2 else { throw UsageError("crest datasets inspect needs one FILE or BIN") }
            action = .inspect(nameOrPath: words[1], maxOutputTokens: maxTokens)
        case "import":
            guard words.count == 2 else { throw UsageError("crest datasets import needs one FILE") }
            guard let out else { throw UsageError("crest datasets import needs --out NAME.jsonl: where the dataset goes") }
            let bins = try binsText.map { text -> [DatasetImport.Bin] in
                guard let bins = DatasetImport.Bin.parse(text) else {
                    throw UsageError("--bins '\(text)': expected ranges of prompt tokens LOW-HIGH, comma-separated, LOW < HIGH, e.g. 1-500,500-1000")
                }
                return bins
            }
            action = .importing(source: words[1], out: out, DatasetImport(bins: bins, perBin: perBin, seed: seed))
        case "tokenize":
            guard words.count == 2 else { throw UsageError("crest datasets tokenize needs one FILE or BIN") }
            guard case .live(let endpoint)? = target else { throw UsageError("crest datasets tokenize needs --url: the endpoint whose tokenizer counts") }
            action = .tokenize(nameOrPath: words[1], endpoint: endpoint, shape: WorkloadShape(sharedPrefixTokens: prefixTokens, prefixGroups: prefixGroups ?? 1))
        case let other?:
            throw UsageError("unknown action '\(other)' for crest datasets; use list, generate, inspect, import or tokenize")
        case nil:
            throw UsageError("crest datasets needs an action: list, generate, inspect, import or tokenize")
        }
        if target != nil, words.first != "tokenize" { throw UsageError("--url goes with crest datasets tokenize") }
    }

    func run() async throws -> ExitCode {
        switch action {
        case .list(let folder):
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            // .json: a ShareGPT array; the other JSON files here (pricing, the generator's settings) are objects, no datasets.
            let files = names.filter {
                $0.hasSuffix(".jsonl") || $0.hasSuffix(".txt") || ($0.hasSuffix(".json") && DatasetLoader.startsAsArray(atPath: "\(folder)/\($0)"))
            }.sorted()
            guard !files.isEmpty else { throw UsageError("\(folder): no datasets (.jsonl, .txt or ShareGPT .json files) found") }
            for file in files { StandardOutput.write(describe(try DatasetLoader().load(path: "\(folder)/\(file)")) + "\n") }
        case .generate(let generator, let folder):
            for path in try generator.write(to: folder) { StandardError.write("wrote \(path)\n") }
        case .inspect(let nameOrPath, let cap):
            let dataset = try DatasetLoader(defaultMaxOutputTokens: cap).load(path: DatasetLocator.standard().path(for: nameOrPath))
            StandardOutput.write(describe(dataset) + "\n")
        case .importing(let source, let out, let job):
            for path in job.outputPaths(for: out) where FileManager.default.fileExists(atPath: path) {
                throw UsageError("\(path) exists: crest datasets import writes new files only (remove it, or choose another --out)")
            }
            let summary = try job.run(source: source, out: out)
            StandardOutput.write(Self.importSummary(summary))
        case .tokenize(let nameOrPath, let endpoint, let shape):
            let dataset = try DatasetLoader().load(path: DatasetLocator.standard().path(for: nameOrPath)).shaped(shape)
            let tokenizer = try EndpointTokenizer(endpoint: endpoint)
            let counted: EndpointTokenizer.CountedDataset
            do {
                counted = try await tokenizer.counted(dataset, reusing: false)
            } catch let error as EndpointTokenizerError {
                StandardError.write("crest datasets tokenize: \(error)\n")
                return .runFailed
            }
            StandardOutput.write("\(counted.dataset.name): \(counted.summary)\(counted.keepingFailed == nil ? "; kept in \(counted.keptAt)" : "")\n")
            if let failure = counted.keepingFailed {
                StandardError.write("crest datasets tokenize: could not write \(counted.keptAt): \(failure)\n")
                return .runFailed
            }
        }
        return .success
    }


    /// What the import read and what each file received.
    private static func importSummary(_ summary: DatasetImport.Summary) -> String {
        let source = summary.source
        var text = "read \(source.path): \(source.format.rawValue), \(source.prompts) prompts"
        if source.skippedConversations > 0 { text += ", \(source.skippedConversations) conversations without a user turn skipped" }
        text += ", fingerprint \(source.fingerprint)\n"
        for output in summary.outputs {
            guard output.written > 0 else {
                text += "no prompt in \(output.bin.map { "the bin \($0.name)" } ?? "the file"): \(output.path) not written\n"
                continue
            }
            text += "wrote \(output.path): \(output.written) prompts"
            if output.written < output.seen { text += " of \(output.seen) in the bin" }
            if let first = output.promptTokens.first, let last = output.promptTokens.last {
                let mean = Double(output.promptTokens.reduce(0, +)) / Double(output.promptTokens.count)
                text += ", prompt tokens min \(first) / median \(output.promptTokens[output.promptTokens.count / 2]) / mean \(Int(mean.rounded())) / max \(last)"
            }
            if !output.outputTokens.isEmpty {
                text += ", answers median \(output.outputTokens[output.outputTokens.count / 2]) / max \(output.outputTokens.last!) tokens"
            }
            text += "\n"
        }
        if summary.outsideBins > 0 { text += "\(summary.outsideBins) prompts in no bin, left out\n" }
        return text
    }

    private func describe(_ dataset: Dataset) -> String {
        let lengths = dataset.prompts.map(\.promptTokens).sorted()
        let median = lengths[lengths.count / 2]
        let source = [.estimate: "estimated", .tokenizer: "counted by the endpoint's tokenizer"][dataset.tokenCountSource] ?? "from the dataset"
        let capped = dataset.prompts.filter { $0.maxOutputTokens != nil }.count
        let replies = dataset.prompts.compactMap(\.replyTokens).sorted()
        let answers = replies.isEmpty ? "" : ", \(replies.count) with the length of their answer (median \(replies[replies.count / 2]) tokens, max \(replies.last!))"
        let notes = dataset.loadNotes.map { ", " + $0 }.joined()
        return "\(dataset.path): \(dataset.format.rawValue), \(dataset.prompts.count) prompts, tokens min \(lengths.first!) / median \(median) / mean \(Int(dataset.meanPromptTokens.rounded())) / max \(lengths.last!) (\(source))"
            + (capped > 0 ? ", \(capped) with max output tokens" : "") + answers + notes + ", fingerprint \(dataset.fingerprint)"
    }
}
