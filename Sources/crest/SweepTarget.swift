import Crest
import CrestHTTP
import CrestSimulator
import Foundation

/// The endpoint a sweep measures, as the command line named it: the built-in simulator or a live
/// HTTP endpoint.
enum SweepTarget {
    case simulated(SimulatorPreset)
    case live(LiveEndpoint)

    static let usage = """
        TARGET (the simulator by default)
          --target sim:PRESET         the built-in simulated endpoint (default sim:\(SimulatorPreset.standard.name)); presets:
        \(SimulatorPreset.all.map { "      \($0.name.padding(toLength: 24, withPad: " ", startingAt: 0)) \($0.summary)" }.joined(separator: "\n"))
          --url URL                   a live endpoint instead, http(s)://HOST:PORT[/PATH] (the API's usual path when none)
          --api KIND                  openai-chat (default), openai-completions, tgi, bedrock or sagemaker
          --model NAME                the model to ask for (required for the OpenAI kinds; for bedrock the model
                                      id, inference profile id or ARN)
          --no-stream                 ask for whole responses (no TTFT); streaming is the default
          --request-field KEY=JSON    a field for every request body, repeatable: temperature=0,
                                      ignore_eos=true, 'stop=["\\n"]' (TGI: into parameters); over a
                                      dataset line's own parameters of the same name
          --api-key-env NAME          the environment variable holding the API key (default OPENAI_API_KEY
                                      when set); the key is sent as a bearer token and never written anywhere
          --client epoll|urlsession   what carries requests (default: Crest's epoll client, for https through
                                      the system's OpenSSL 3; URLSession, coarser and costlier, where libssl.so.3
                                      is missing: the report says which)
          --ca-bundle FILE            https: trust the PEM certificates in FILE instead of the system's (a private
                                      CA; for bedrock and sagemaker, AWS_CA_BUNDLE when set, as the AWS tools do)
          --metrics-path PATH         the endpoint's Prometheus page, read once a second during each level
                                      (default /metrics; vLLM, TGI and SGLang gauges); --no-metrics to skip it
          --instance-label NAME       the instance name reports show (default: the preset's, or the host)
        AWS (--api bedrock or sagemaker: no --url needed; --url overrides the regional endpoint)
          --region REGION             the AWS region (default AWS_REGION, AWS_DEFAULT_REGION, or the profile's)
          --endpoint NAME             sagemaker: the endpoint's name
          --payload tgi|openai-chat   sagemaker: the container's API (default tgi: TGI and LMI containers)
          --inference-component NAME  sagemaker: the inference component to invoke
          Credentials from the environment only: AWS_BEARER_TOKEN_BEDROCK (a Bedrock API key), else
          AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, else the profile AWS_PROFILE
          (default "default") of ~/.aws/credentials and ~/.aws/config (AWS_SHARED_CREDENTIALS_FILE,
          AWS_CONFIG_FILE). run.json says which was used, never the value.
        """

    /// Reads the target options, taking the API key from `environment`.
    static func parse(_ arguments: inout ArgumentList, environment: [String: String]) throws -> SweepTarget {
        let targetOption = try arguments.value("--target")
        let url = try arguments.value("--url")
        let apiName = try arguments.value("--api")
        let model = try arguments.value("--model")
        let noStream = arguments.flag("--no-stream")
        let fields = try arguments.values("--request-field")
        let keyVariable = try arguments.value("--api-key-env")
        let metricsPath = try arguments.value("--metrics-path")
        let noMetrics = arguments.flag("--no-metrics")
        let clientName = try arguments.value("--client")
        let certificateBundle = try CertificateBundleOption(arguments: &arguments, environment: environment)
        if let apiName, let aws = AWSTargetOptions(api: apiName) {
            if let targetOption { throw UsageError("give --target '\(targetOption)' or --api \(apiName), not both") }
            if let keyVariable { throw UsageError("--api-key-env \(keyVariable) does not go with --api \(apiName): AWS credentials come from AWS_* variables or a profile") }
            return .live(try aws.endpoint(
                arguments: &arguments, url: url, model: model, streaming: !noStream, extraFields: try requestFields(fields), route: try route(clientName),
                metricsPath: noMetrics ? nil : metricsPath, certificateBundle: certificateBundle, environment: environment))
        }
        for option in ["--region", "--endpoint", "--payload", "--inference-component"] where arguments.contains(option) {
            throw UsageError("\(option) goes with --api bedrock or sagemaker")
        }
        guard let url else {
            if let option = [apiName.map { _ in "--api" }, model.map { _ in "--model" }, noStream ? "--no-stream" : nil,
                             fields.isEmpty ? nil : "--request-field", keyVariable.map { _ in "--api-key-env" },
                             metricsPath.map { _ in "--metrics-path" }, noMetrics ? "--no-metrics" : nil,
                             clientName.map { _ in "--client" }, certificateBundle.given.map { _ in "--ca-bundle" }].compactMap({ $0 }).first {
                throw UsageError("\(option) goes with --url (a live endpoint); the simulator needs none")
            }
            return .simulated(try preset(targetOption ?? "sim:\(SimulatorPreset.standard.name)"))
        }
        if let targetOption { throw UsageError("give --target '\(targetOption)' or --url '\(url)', not both") }
        let api = try apiName.map { name in
            guard let kind = APIKind.selfHosted.first(where: { $0.rawValue == name }) else {
                throw UsageError("--api '\(name)': unknown; known: \((APIKind.selfHosted.map(\.rawValue) + ["bedrock", "sagemaker"]).joined(separator: ", "))")
            }
            return kind
        } ?? .openAIChat
        guard let model = model ?? (api == .tgi ? "tgi" : nil) else {
            throw UsageError("--model is required with --api \(api.rawValue): the server serves requests only for a model it knows (see its /v1/models)")
        }
        let extraFields = try requestFields(fields)
        let apiKey: String?
        if let keyVariable {
            guard let key = environment[keyVariable], !key.isEmpty else {
                throw UsageError("--api-key-env \(keyVariable): the variable is not set or empty")
            }
            apiKey = key
        } else {
            apiKey = environment["OPENAI_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        }
        let route = try route(clientName)
        if noMetrics && metricsPath != nil { throw UsageError("give --metrics-path or --no-metrics, not both") }
        if let metricsPath, !metricsPath.hasPrefix("/") { throw UsageError("--metrics-path '\(metricsPath)': expected a path such as /metrics") }
        do {
            return .live(try LiveEndpoint(
                url: url, api: api, model: model, streaming: !noStream, extraFields: extraFields, apiKey: apiKey,
                metricsPath: noMetrics ? nil : metricsPath ?? "/metrics", route: route,
                certificateBundle: try certificateBundle.path(for: url, readsAWSEnvironment: false)))
        } catch let error as LiveEndpointError {
            throw UsageError(error.description)
        }
    }

    /// `--request-field KEY=JSON` values, checked.
    private static func requestFields(_ fields: [String]) throws -> [String: String] {
        var extraFields: [String: String] = [:]
        for field in fields {
            guard let equals = field.firstIndex(of: "="), equals != field.startIndex else {
                throw UsageError("--request-field '\(field)': expected KEY=JSON such as temperature=0")
            }
            let value = String(field[field.index(after: equals)...])
            guard (try? JSONSerialization.jsonObject(with: Data(value.utf8), options: [.fragmentsAllowed])) != nil else {
                throw UsageError("--request-field '\(field)': the value is not JSON; quote strings, e.g. 'user=\"crest\"'")
            }
            extraFields[String(field[..<equals])] = value
        }
        return extraFields
    }

    private static func route(_ clientName: String?) throws -> LiveEndpoint.Route? {
        try clientName.map { name in
            guard let route = LiveEndpoint.Route(rawValue: name) else {
                throw UsageError("--client '\(name)': unknown; known: epoll, urlsession")
            }
            return route
        }
    }

    private static func preset(_ target: String) throws -> SimulatorPreset {
        guard target.hasPrefix("sim:") else {
            throw UsageError("--target '\(target)': expected sim:PRESET (\(SimulatorPreset.all.map { "sim:" + $0.name }.joined(separator: ", "))); for a live endpoint use --url")
        }
        guard let preset = SimulatorPreset.named(String(target.dropFirst(4))) else {
            throw UsageError("--target '\(target)': unknown preset; known: \(SimulatorPreset.all.map(\.name).joined(separator: ", "))")
        }
        return preset
    }

    /// How the user named it, for run.json and reports.
    var name: String {
        switch self {
        case .simulated(let preset): return "sim:\(preset.name)"
        case .live(let endpoint): return endpoint.displayURL
        }
    }

    /// A short name for results folders.
    var folderName: String {
        switch self {
        case .simulated(let preset): return preset.name
        case .live(let endpoint): return "\(endpoint.host)-\(endpoint.port)"
        }
    }

    var isSimulated: Bool {
        if case .simulated = self { return true }
        return false
    }

    /// The price a report assumes when the command line gives none: the preset's, or none.
    var defaultPricing: Pricing? {
        if case .simulated(let preset) = self { return preset.pricing }
        return nil
    }

    func target(instanceLabel: String?, pricing: Pricing?, pricingOrigin: String? = nil) -> Target {
        switch self {
        case .simulated(let preset):
            return Target(
                name: name, kind: .simulator, model: preset.model, instanceLabel: instanceLabel ?? preset.instanceLabel, pricing: pricing)
        case .live(let endpoint):
            return Target(
                // An AWS endpoint is known by what it serves (FMBench's instance_type for Bedrock is the model id), not by its host.
                name: name, kind: Target.Kind(rawValue: endpoint.api.rawValue), model: endpoint.model,
                instanceLabel: instanceLabel ?? (endpoint.aws == nil ? endpoint.authority : endpoint.model),
                pricing: pricing, credentialsSource: endpoint.aws?.source, pricingOrigin: pricingOrigin)
        }
    }

    /// The measurer for this target, and what to do once the sweep is over. A live endpoint's
    /// streamed responses always give inter-token gaps; the simulator records them only when asked
    /// (`recordsInterTokenGaps`), as they cost it a notice per token.
    func measurer(
        dataset: Dataset, seed: UInt64, requestTimeoutSeconds: Double, clientTimeouts: ClientTimeouts = .standard, maxOutputTokens: Int?,
        recordsInterTokenGaps: Bool, drainSeconds: Double,
        onProgress: (@Sendable (Int, LevelProgress) -> Void)? = nil
    ) throws -> (any Measurer, () -> Void) {
        switch self {
        case .simulated(let preset):
            let measurer = SimulatedMeasurer(
                endpoint: preset.endpoint, dataset: dataset, seed: seed, requestTimeoutSeconds: requestTimeoutSeconds,
                maxOutputTokens: maxOutputTokens, recordsInterTokenGaps: recordsInterTokenGaps)
            return (measurer, {})
        case .live(let endpoint):
            let measurer = try LiveMeasurer(
                endpoint: endpoint, dataset: dataset, seed: seed, requestTimeoutSeconds: requestTimeoutSeconds, timeouts: clientTimeouts,
                maxOutputTokens: maxOutputTokens, drainSeconds: drainSeconds, onProgress: onProgress)
            return (measurer, { measurer.shutdown() })
        }
    }
}
