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
        /// How the requests were shaped beyond the prompts; nil (absent) when they were sent as the
        /// dataset has them.
        public let workload: WorkloadShape?

        public init(_ dataset: Dataset) {
            name = dataset.name
            path = dataset.path
            format = dataset.format
            prompts = dataset.prompts.count
            fingerprint = dataset.fingerprint
            promptTokensMean = dataset.meanPromptTokens
            promptTokensSource = dataset.tokenCountSource
            workload = dataset.shape.isPlain ? nil : dataset.shape
        }

        /// "en_1-500 [shared prefix 2000]": the dataset and how its requests were shaped, where they
        /// were; what a comparison calls the load.
        public var load: String {
            name + (workload.map { " [\($0.tag)]" } ?? "")
        }

        /// "en_1-500 (fingerprint 1a2b...)", with the workload's shape where it has one: what tells
        /// two sweeps' loads apart.
        public var identity: String {
            "\(name) (fingerprint \(fingerprint)\(workload.map { "; \($0.summary)" } ?? ""))"
        }

        enum CodingKeys: String, CodingKey {
            case name, path, format, prompts, fingerprint, workload
            case promptTokensMean = "prompt_tokens_mean"
            case promptTokensSource = "prompt_tokens_source"
        }
    }

    /// How the sweep was run. In the file the method is flattened as it always was: "method" is
    /// "adaptive" or "fixed", a fixed list has "levels" and "level_length", the adaptive search its limits.
    public struct Settings: Sendable, Equatable, Codable {
        public let method: SweepMethod
        public let seed: UInt64?
        public let confidence: Double
        public let requestTimeoutSeconds: Double
        /// A live client's other timeouts; nil for the simulator, which has no connections.
        public let clientTimeouts: ClientTimeouts?
        public let maxOutputTokens: Int?
        /// The earlier sweep's folder a warm start began from (`crest sweep --prior`); nil for none.
        public let prior: String?

        public init(
            method: SweepMethod, seed: UInt64?, confidence: Double, requestTimeoutSeconds: Double, clientTimeouts: ClientTimeouts? = nil,
            maxOutputTokens: Int?, prior: String? = nil
        ) {
            self.prior = prior
            self.method = method
            self.seed = seed
            self.confidence = confidence
            self.requestTimeoutSeconds = requestTimeoutSeconds
            self.clientTimeouts = clientTimeouts
            self.maxOutputTokens = maxOutputTokens
        }

        /// The plateau tolerance the recommendation was chosen with (a fixed list uses the standard one).
        public var plateauTolerance: Double {
            if case .adaptive(_, let tolerance) = method { return tolerance }
            return LevelSelection.standardPlateauTolerance
        }

        enum CodingKeys: String, CodingKey {
            case method, levels, seed, confidence
            case levelLength = "level_length"
            case maxRequests = "max_requests"
            case maxSeconds = "max_seconds"
            case maxConcurrency = "max_concurrency"
            case plateauTolerance = "plateau_tolerance"
            case requestTimeoutSeconds = "request_timeout_s"
            case connectTimeoutSeconds = "connect_timeout_s"
            case firstTokenTimeoutSeconds = "first_token_timeout_s"
            case stallTimeoutSeconds = "stall_timeout_s"
            case maxOutputTokens = "max_output_tokens"
            case prior
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            switch try container.decode(SweepMethod.Name.self, forKey: .method) {
            case .adaptive:
                let limits = SearchLimits(
                    maxRequests: try container.decodeIfPresent(Int.self, forKey: .maxRequests, in: 1...Int(Int32.max)),
                    maxSeconds: try container.decodeIfPresent(Double.self, forKey: .maxSeconds, in: 1e-3...DurationParsing.longestSeconds),
                    maxConcurrency: try container.decodeIfPresent(Int.self, forKey: .maxConcurrency, in: 1...Level.maximumConcurrency)
                        ?? SearchLimits.standardMaxConcurrency)
                method = .adaptive(limits: limits, plateauTolerance: try container.decode(Double.self, forKey: .plateauTolerance, in: 0...0.5))
            case .fixed:
                let levels = try container.decode([Int].self, forKey: .levels)
                guard !levels.isEmpty, levels.allSatisfy({ (1...Level.maximumConcurrency).contains($0) }) else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .levels, in: container, debugDescription: "expected a list of levels from 1 to \(Level.maximumConcurrency)")
                }
                method = .fixed(levels: levels.map(Level.init(concurrency:)), length: try container.decode(LevelLength.self, forKey: .levelLength))
            }
            do {
                seed = try container.decodeIfPresent(UInt64.self, forKey: .seed)
            } catch {
                throw DecodingError.dataCorruptedError(forKey: .seed, in: container, debugDescription: "expected a whole number from 0 to \(UInt64.max)")
            }
            // A confidence of 0.5 to 0.9999: the tests' quantiles are finite only inside (0, 1).
            confidence = try container.decode(Double.self, forKey: .confidence, in: 0.5...0.9999)
            requestTimeoutSeconds = try container.decode(Double.self, forKey: .requestTimeoutSeconds, in: 1e-3...10 * DurationParsing.longestSeconds)
            let timeoutRange = 1e-3...10 * DurationParsing.longestSeconds
            clientTimeouts = try container.decodeIfPresent(Double.self, forKey: .connectTimeoutSeconds, in: timeoutRange).map {
                ClientTimeouts(
                    connectSeconds: $0,
                    firstTokenSeconds: try container.decodeIfPresent(Double.self, forKey: .firstTokenTimeoutSeconds, in: timeoutRange),
                    stallSeconds: try container.decodeIfPresent(Double.self, forKey: .stallTimeoutSeconds, in: timeoutRange))
            }
            maxOutputTokens = try container.decodeIfPresent(Int.self, forKey: .maxOutputTokens, in: 1...Prompt.largestTokenCount)
            prior = try container.decodeIfPresent(String.self, forKey: .prior)
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(method.name, forKey: .method)
            switch method {
            case .fixed(let levels, let length):
                try container.encode(levels.map(\.concurrency), forKey: .levels)
                try container.encode(length, forKey: .levelLength)
            case .adaptive(let limits, _):
                try container.encodeIfPresent(limits.maxRequests, forKey: .maxRequests)
                try container.encodeIfPresent(limits.maxSeconds, forKey: .maxSeconds)
                try container.encode(limits.maxConcurrency, forKey: .maxConcurrency)
            }
            try container.encode(plateauTolerance, forKey: .plateauTolerance)
            try container.encodeIfPresent(seed, forKey: .seed)
            try container.encode(confidence, forKey: .confidence)
            try container.encode(requestTimeoutSeconds, forKey: .requestTimeoutSeconds)
            if let clientTimeouts {
                try container.encode(clientTimeouts.connectSeconds, forKey: .connectTimeoutSeconds)
                try container.encodeIfPresent(clientTimeouts.firstTokenSeconds, forKey: .firstTokenTimeoutSeconds)
                try container.encodeIfPresent(clientTimeouts.stallSeconds, forKey: .stallTimeoutSeconds)
            }
            try container.encodeIfPresent(maxOutputTokens, forKey: .maxOutputTokens)
            try container.encodeIfPresent(prior, forKey: .prior)
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
    public var status: RunStatus
    /// Why the search stopped, once it has.
    public var stopReason: SearchStopReason?
    /// The level the sweep recommended, once it has: a stored sweep answers its own budget with
    /// it, as the search's rules (certified or likely answers only) are not a selection over the
    /// levels' verdicts.
    public var recommendedConcurrency: Int?
    /// How far Crest's estimate of the prompts' lengths was from the endpoint's own counts (its
    /// usage), once a live sweep with estimated lengths has ended; nil otherwise.
    public var promptTokensCheck: PromptTokensCheck?
    public let startedAt: String
    public var finishedAt: String?
    public let target: Target
    public let dataset: DatasetInfo
    public let budget: Budget
    public let settings: Settings
    public let host: Host

    public init(target: Target, dataset: Dataset, budget: Budget, settings: Settings, startedAt: Date, host: Host = .current) {
        tool = "crest"
        version = CrestVersion.current
        status = .running
        self.startedAt = Self.timestamp(startedAt)
        self.target = target
        self.dataset = DatasetInfo(dataset)
        self.budget = budget
        self.settings = settings
        self.host = host
    }

    /// Marks an interrupted run as running again (`crest sweep --resume`): its start stays the
    /// first one, its end and stop reason are cleared until it ends anew.
    public mutating func resume() {
        status = .running
        finishedAt = nil
        stopReason = nil
        recommendedConcurrency = nil
    }

    /// Marks the run as ended.
    public mutating func end(status: RunStatus, at date: Date) {
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
        case promptTokensCheck = "prompt_tokens_check"
    }
}

/// Where a run stands, as run.json says it.
public enum RunStatus: String, Sendable, Equatable, Codable {
    /// The sweep is measuring (or was killed before it could say otherwise).
    case running
    case finished
    /// It stopped on an error: the endpoint's, the disk's, or the search's own (no usable responses).
    case failed
    /// A signal stopped it.
    case interrupted
}
