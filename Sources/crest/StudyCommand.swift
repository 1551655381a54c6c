import Crest
import Foundation

/// `crest sweep --config study.json`: a sweep of every target with every dataset, one folder each,
/// then their comparison at the study folder's top.
struct StudyCommand: Command {
    static let name = "sweep"
    static let summary = SweepCommand.summary
    static var usage: String { SweepCommand.usage }

    let config: StudyConfig
    /// The study's name: the file's "name", else the file's own name.
    let name: String
    let outputFolder: String?

    init(arguments: ArgumentList) throws {
        var arguments = arguments
        guard let path = try arguments.value("--config") else { throw UsageError("--config needs a study file") }
        outputFolder = try arguments.value("--out")
        try arguments.finish(command: Self.name)
        config = try StudyConfig.read(path: path)
        name = config.name ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        // Every target's options are checked before the first sweep starts.
        for target in config.targets {
            _ = try sweep(target, dataset: config.datasets[0], into: "")
        }
    }

    /// The sweep of one pair: the target's and the study's options, with what the study sets.
    private func sweep(_ target: StudyConfig.StudyTarget, dataset: String, into folder: String) throws -> SweepCommand {
        try SweepCommand(
            arguments: ArgumentList(target.identity + (target.options ?? []) + config.options), environment: ProcessInfo.processInfo.environment,
            study: SweepCommand.StudyPair(
                label: target.label, dataset: dataset, folder: folder, budget: config.budget,
                pricing: target.pricePerHour.map { .hourly(usdPerHour: $0, instances: 1) }))
    }

    func run() async throws -> ExitCode {
        let folder = outputFolder ?? config.out ?? ResultsFolderName.next(target: "study", dataset: name, at: Date())
        try ResultsWriter.refuseOccupied(folder)
        var folders: [String] = []
        for target in config.targets {
            for dataset in config.datasets {
                // One folder inside the study's for each pair, whatever path names the dataset.
                var out = "\(folder)/\(ResultsFolderName.component(target.label))-\(ResultsFolderName.component(dataset))"
                if folders.contains(out) { out += "-\(folders.count + 1)" }
                StandardError.write("crest study: \(target.label) × \(dataset)\n")
                let code = try await sweep(target, dataset: dataset, into: out).run()
                // A pair with no level in budget is a result to compare; a failed run is not.
                guard code == .success || code == .noFeasibleLevel else { return code }
                folders.append(out)
            }
        }
        return try CompareCommand.compare(
            folders: folders, latency: config.budget.latency, errorRate: config.budget.maxErrorRate, requestsPerMinute: config.requestsPerMinute,
            into: folder + "/comparison")
    }
}

/// A study file: targets (each with a label and a price) and datasets, swept in every pair.
///
///     {"name": "a100-vs-l4", "budget": ["e2e.p95<=20s"], "max_error_rate": "1%", "requests_per_minute": 600,
///      "targets": [{"target": "sim:a100-llama3-8b", "label": "a100", "price_per_hour": 4.1},
///                  {"url": "http://localhost:8000", "api": "openai-chat", "model": "m", "label": "my-vllm"}],
///      "datasets": ["en_500-1000", "en_1000-2000"], "options": ["--max-requests", "4000"]}
///
/// The budget, error ceiling and prices are read as values; a target's identity (`target`, or
/// `url`, `api`, `model`) and the `options` lists are sweep options, as a user would type them.
struct StudyConfig: Decodable {
    struct StudyTarget: Decodable {
        let label: String
        let target: String?
        let url: String?
        let api: String?
        let model: String?
        let pricePerHour: Double?
        let options: [String]?

        /// The sweep options that name the target.
        var identity: [String] {
            [("--target", target), ("--url", url), ("--api", api), ("--model", model)].flatMap { name, value in value.map { [name, $0] } ?? [] }
        }

        enum CodingKeys: String, CodingKey {
            case label, target, url, api, model, options
            case pricePerHour = "price_per_hour"
        }
    }

    let name: String?
    let out: String?
    let budget: Budget
    let requestsPerMinute: Double?
    let targets: [StudyTarget]
    let datasets: [String]
    /// Sweep options for every pair.
    let options: [String]

    enum CodingKeys: String, CodingKey {
        case name, out, budget, targets, datasets, options
        case maxErrorRate = "max_error_rate"
        case requestsPerMinute = "requests_per_minute"
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        out = try container.decodeIfPresent(String.self, forKey: .out)
        // One expression or a list of them.
        let expressions: [String]
        if let list = try? container.decode([String].self, forKey: .budget) {
            expressions = list
        } else if let one = try? container.decode(String.self, forKey: .budget) {
            expressions = [one]
        } else {
            expressions = []
        }
        func invalid(_ key: CodingKeys, _ expected: String) -> DecodingError {
            .dataCorruptedError(forKey: key, in: container, debugDescription: "expected \(expected)")
        }
        guard !expressions.isEmpty else { throw invalid(.budget, "a budget expression or a list of them, such as [\"e2e.p95<=20s\"]") }
        let latency = try expressions.map { expression in
            do {
                return try LatencyConstraint(parsing: expression)
            } catch let error as BudgetError {
                throw DecodingError.dataCorruptedError(forKey: .budget, in: container, debugDescription: "'\(expression)': \(error.detail)")
            }
        }
        let ceiling = try container.decodeIfPresent(String.self, forKey: .maxErrorRate).map { text in
            do {
                return try Budget.parseErrorRate(text)
            } catch let error as BudgetError {
                throw DecodingError.dataCorruptedError(forKey: .maxErrorRate, in: container, debugDescription: "'\(text)': \(error.detail)")
            }
        }
        budget = Budget(latency: latency, maxErrorRate: ceiling ?? 0.01)
        requestsPerMinute = try container.decodeIfPresent(Double.self, forKey: .requestsPerMinute)
        if let requestsPerMinute, !(requestsPerMinute > 0 && requestsPerMinute <= 1e9) {
            throw invalid(.requestsPerMinute, "a number above zero and at most 1000000000")
        }
        datasets = try container.decode([String].self, forKey: .datasets)
        guard !datasets.isEmpty else { throw invalid(.datasets, "a list of dataset files or bins") }
        targets = try container.decode([StudyTarget].self, forKey: .targets)
        guard !targets.isEmpty else { throw invalid(.targets, "a list of targets") }
        options = try container.decodeIfPresent([String].self, forKey: .options) ?? []
    }

    /// Reads and checks the study file at `path`; errors name the file and the field.
    static func read(path: String) throws -> StudyConfig {
        guard let data = FileManager.default.contents(atPath: path) else { throw UsageError("\(path): cannot read the study file") }
        let config: StudyConfig
        do {
            config = try JSONDecoder().decode(StudyConfig.self, from: data)
        } catch let error as DecodingError {
            throw UsageError("\(path): \(Self.describe(error))")
        } catch {
            throw UsageError("\(path): not a JSON object")
        }
        for (index, target) in config.targets.enumerated() {
            let field = "targets[\(index)]"
            guard !target.label.isEmpty, !target.label.contains("/") else {
                throw UsageError("\(path): field '\(field).label': expected a name for the folder and the reports, without '/'")
            }
            guard target.target != nil || target.url != nil else {
                throw UsageError("\(path): field '\(field)': expected a 'target' (sim:PRESET) or a 'url'")
            }
            if let price = target.pricePerHour, !(price >= 0 && price <= ArgumentList.highestPrice) {
                throw UsageError("\(path): field '\(field).price_per_hour': expected a price in USD from 0 to \(Int(ArgumentList.highestPrice))")
            }
        }
        return config
    }

    private static func describe(_ error: DecodingError) -> String {
        func field(_ path: [CodingKey]) -> String {
            path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().replacingOccurrences(of: ".[", with: "[")
                .trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case .keyNotFound(let key, let context): return "field '\(field(context.codingPath + [key]))' is missing"
        case .typeMismatch(_, let context) where context.codingPath.isEmpty: return "not a JSON object"
        case .typeMismatch(let type, let context): return "field '\(field(context.codingPath))': expected \(type == Double.self ? "a number" : type == String.self ? "a string" : "\(type)")"
        case .valueNotFound(_, let context): return "field '\(field(context.codingPath))' is null"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not a JSON object" : "field '\(field(context.codingPath))': \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
