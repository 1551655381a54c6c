import Crest
import Foundation

/// `crest sweep --config study.json`: a sweep of every target with every dataset, one folder each,
/// then their comparison at the study folder's top.
struct StudyCommand: Command {
    static let name = "sweep"
    static let summary = SweepCommand.summary
    static var usage: String { SweepCommand.usage }

    let config: StudyConfig
    let outputFolder: String?

    init(arguments: ArgumentList) throws {
        var arguments = arguments
        guard let path = try arguments.value("--config") else { throw UsageError("--config needs a study file") }
        outputFolder = try arguments.value("--out")
        try arguments.finish(command: Self.name)
        config = try StudyConfig(path: path)
    }

    func run() async throws -> ExitCode {
        let folder = outputFolder ?? config.out ?? ResultsFolderName.next(target: "study", dataset: config.name, at: Date())
        if let existing = try? FileManager.default.contentsOfDirectory(atPath: folder), !existing.isEmpty {
            throw ResultsError.occupied(path: folder)
        }
        var folders: [String] = []
        for target in config.targets {
            for dataset in config.datasets {
                // One folder inside the study's for each pair, whatever path names the dataset.
                var out = "\(folder)/\(ResultsFolderName.component(target.label))-\(ResultsFolderName.component(dataset))"
                if folders.contains(out) { out += "-\(folders.count + 1)" }
                let arguments = target.options + ["--instance-label", target.label, "--dataset", dataset, "--out", out] + config.sweepOptions
                StandardError.write("crest study: \(target.label) × \(dataset)\n")
                let code = try await SweepCommand(arguments: ArgumentList(arguments)).run()
                // A pair with no level in budget is a result to compare; a failed run is not.
                guard code == .success || code == .noFeasibleLevel else { return code }
                folders.append(out)
            }
        }
        return try CompareCommand.compare(
            folders: folders, latency: try config.budget.map(LatencyConstraint.init(parsing:)),
            errorRate: try config.maxErrorRate.map(Budget.parseErrorRate), requestsPerMinute: config.requestsPerMinute,
            into: folder + "/comparison")
    }
}

/// A study file: targets (each with a label and a price) and datasets, swept in every pair.
///
///     {"name": "a100-vs-l4", "budget": ["e2e.p95<=20s"], "max_error_rate": "1%", "requests_per_minute": 600,
///      "targets": [{"target": "sim:a100-llama3-8b", "label": "a100", "price_per_hour": 4.1},
///                  {"url": "http://localhost:8000", "api": "openai-chat", "model": "m", "label": "my-vllm"}],
///      "datasets": ["en_500-1000", "en_1000-2000"], "options": ["--max-requests", "4000"]}
struct StudyConfig {
    struct StudyTarget {
        let label: String
        /// The sweep options that name the target and its price.
        let options: [String]
    }

    let name: String
    let out: String?
    let budget: [String]
    let maxErrorRate: String?
    let requestsPerMinute: Double?
    let targets: [StudyTarget]
    let datasets: [String]
    /// Options for every sweep: the budget, then the file's `options`.
    let sweepOptions: [String]

    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw UsageError("\(path): cannot read the study file") }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw UsageError("\(path): not a JSON object")
        }
        func fail(_ field: String, _ expected: String) -> UsageError { UsageError("\(path): field '\(field)': expected \(expected)") }
        name = object["name"] as? String ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        out = object["out"] as? String
        guard let budget = (object["budget"] as? [String]) ?? (object["budget"] as? String).map({ [$0] }), !budget.isEmpty else {
            throw fail("budget", "a budget expression or a list of them, such as [\"e2e.p95<=20s\"]")
        }
        for expression in budget { _ = try LatencyConstraint(parsing: expression) }
        self.budget = budget
        maxErrorRate = object["max_error_rate"] as? String
        if let rate = maxErrorRate { _ = try Budget.parseErrorRate(rate) }
        if let rpm = object["requests_per_minute"], !(rpm is Double || rpm is Int) { throw fail("requests_per_minute", "a number") }
        requestsPerMinute = (object["requests_per_minute"] as? NSNumber)?.doubleValue
        guard let datasets = object["datasets"] as? [String], !datasets.isEmpty else { throw fail("datasets", "a list of dataset files or bins") }
        self.datasets = datasets
        guard let targets = object["targets"] as? [[String: Any]], !targets.isEmpty else { throw fail("targets", "a list of targets") }
        self.targets = try targets.enumerated().map { index, target in
            let field = "targets[\(index)]"
            guard let label = target["label"] as? String, !label.isEmpty, !label.contains("/") else {
                throw fail("\(field).label", "a name for the folder and the reports, without '/'")
            }
            var options: [String] = []
            if let simulated = target["target"] as? String { options += ["--target", simulated] }
            if let url = target["url"] as? String { options += ["--url", url] }
            if let api = target["api"] as? String { options += ["--api", api] }
            if let model = target["model"] as? String { options += ["--model", model] }
            if let price = target["price_per_hour"] {
                guard let value = (price as? NSNumber)?.doubleValue else { throw fail("\(field).price_per_hour", "a number of USD") }
                options += ["--price-per-hour", String(value)]
            }
            if let extra = target["options"] {
                guard let list = extra as? [String] else { throw fail("\(field).options", "a list of sweep options") }
                options += list
            }
            guard options.contains("--target") || options.contains("--url") else { throw fail(field, "a 'target' (sim:PRESET) or a 'url'") }
            return StudyTarget(label: label, options: options)
        }
        var sweepOptions = budget.flatMap { ["--budget", $0] }
        if let rate = maxErrorRate { sweepOptions += ["--max-error-rate", rate] }
        if let extra = object["options"] {
            guard let list = extra as? [String] else { throw fail("options", "a list of sweep options") }
            sweepOptions += list
        }
        self.sweepOptions = sweepOptions
    }
}
