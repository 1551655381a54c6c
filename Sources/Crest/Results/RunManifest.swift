import Foundation

/// run.json: what was run, on what, with which settings. Never holds secrets.
public struct RunManifest: Sendable, Equatable, Codable {
    public struct DatasetInfo: Sendable, Equatable, Codable {
        public let name: String
        public let path: String
        public let format: DatasetFormat
        public let prompts: Int
        public let fingerprint: String
        public let promptTokensMean: Double
        /// "dataset" or "estimate": where the prompt token counts came from.
        public let promptTokensSource: TokenCountSource

        public init(_ dataset: Dataset) {
            name = dataset.name
            path = dataset.path
            format = dataset.format
            prompts = dataset.prompts.count
            fingerprint = dataset.fingerprint
            promptTokensMean = dataset.meanPromptTokens
            promptTokensSource = dataset.hasEstimatedTokenCounts ? .estimate : .dataset
        }

        enum CodingKeys: String, CodingKey {
            case name, path, format, prompts, fingerprint
            case promptTokensMean = "prompt_tokens_mean"
            case promptTokensSource = "prompt_tokens_source"
        }
    }

    public struct Settings: Sendable, Equatable, Codable {
        /// "adaptive" or "fixed".
        public let method: String
        /// The fixed list's levels; nil for the adaptive search.
        public let levels: [Int]?
        /// The fixed list's measurement per level; nil for the adaptive search.
        public let levelLength: String?
        public let maxRequests: Int?
        public let maxSeconds: Double?
        public let maxConcurrency: Int?
        public let seed: UInt64?
        public let confidence: Double
        public let plateauTolerance: Double
        public let requestTimeoutSeconds: Double
        public let maxOutputTokens: Int?

        public init(
            method: SweepMethod, seed: UInt64?, confidence: Double, requestTimeoutSeconds: Double, maxOutputTokens: Int?
        ) {
            self.method = method.name
            switch method {
            case .fixed(let levels, let length):
                self.levels = levels.map(\.concurrency)
                levelLength = length.summary
                maxRequests = nil
                maxSeconds = nil
                maxConcurrency = nil
                plateauTolerance = LevelSelection.standardPlateauTolerance
            case .adaptive(let limits, let tolerance):
                levels = nil
                levelLength = nil
                maxRequests = limits.maxRequests
                maxSeconds = limits.maxSeconds
                maxConcurrency = limits.maxConcurrency
                plateauTolerance = tolerance
            }
            self.seed = seed
            self.confidence = confidence
            self.requestTimeoutSeconds = requestTimeoutSeconds
            self.maxOutputTokens = maxOutputTokens
        }

        /// The sweep method these settings describe; nil when they cannot say (a hand-edited file).
        public var sweepMethod: SweepMethod? {
            if method == "adaptive" {
                return .adaptive(
                    limits: SearchLimits(maxRequests: maxRequests, maxSeconds: maxSeconds, maxConcurrency: maxConcurrency ?? SearchLimits.standardMaxConcurrency),
                    plateauTolerance: plateauTolerance)
            }
            guard let levels, let length = levelLength.flatMap(LevelLength.init(summary:)) else { return nil }
            return .fixed(levels: levels.map(Level.init(concurrency:)), length: length)
        }

        enum CodingKeys: String, CodingKey {
            case method, levels, seed, confidence
            case levelLength = "level_length"
            case maxRequests = "max_requests"
            case maxSeconds = "max_seconds"
            case maxConcurrency = "max_concurrency"
            case plateauTolerance = "plateau_tolerance"
            case requestTimeoutSeconds = "request_timeout_s"
            case maxOutputTokens = "max_output_tokens"
        }
    }

    public struct Host: Sendable, Equatable, Codable {
        public let os: String
        public let cpus: Int

        public static var current: Host {
            Host(os: ProcessInfo.processInfo.operatingSystemVersionString, cpus: ProcessInfo.processInfo.activeProcessorCount)
        }
    }

    public let tool: String
    public let version: String
    /// "running" while the sweep goes, then "finished", "failed" or "interrupted".
    public var status: String
    /// Why the search stopped, once it has.
    public var stopReason: SearchStopReason?
    /// The level the sweep recommended, once it has: a stored sweep answers its own budget with
    /// it, as the search's rules (certified or likely answers only) are not a selection over the
    /// levels' verdicts.
    public var recommendedConcurrency: Int?
    public let startedAt: String
    public var finishedAt: String?
    public let target: Target
    public let dataset: DatasetInfo
    public let budget: String
    public let settings: Settings
    public let host: Host

    public init(target: Target, dataset: Dataset, budget: Budget, settings: Settings, startedAt: Date, host: Host = .current) {
        tool = "crest"
        version = CrestVersion.current
        status = "running"
        self.startedAt = Self.timestamp(startedAt)
        self.target = target
        self.dataset = DatasetInfo(dataset)
        self.budget = budget.description
        self.settings = settings
        self.host = host
    }

    /// Marks the run as ended.
    public mutating func end(status: String, at date: Date) {
        self.status = status
        finishedAt = Self.timestamp(date)
    }

    /// ISO 8601 in UTC, to the second.
    public static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    enum CodingKeys: String, CodingKey {
        case tool, version, status, target, dataset, budget, settings, host
        case stopReason = "stop_reason"
        case recommendedConcurrency = "recommended_concurrency"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
    }
}
