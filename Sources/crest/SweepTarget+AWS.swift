import CrestAWS
import CrestHTTP
import Foundation

/// The options of an AWS target (`--api bedrock` or `--api sagemaker`), read into a live endpoint
/// with its credentials.
struct AWSTargetOptions {
    let isBedrock: Bool

    /// Nil when `api` names no AWS kind.
    init?(api: String) {
        guard api == "bedrock" || api == "sagemaker" else { return nil }
        isBedrock = api == "bedrock"
    }

    func endpoint(
        arguments: inout ArgumentList, url: String?, model: String?, streaming: Bool, extraFields: [String: String], route: LiveEndpoint.Route?,
        metricsPath: String?, certificateBundle: CertificateBundleOption, environment: [String: String]
    ) throws -> LiveEndpoint {
        let region = try arguments.value("--region")
        let endpointName = try arguments.value("--endpoint")
        let payload = try arguments.value("--payload")
        let component = try arguments.value("--inference-component")
        let api: APIKind
        let name: String
        var headers: [(name: String, value: String)] = []
        if isBedrock {
            for (option, value) in [("--endpoint", endpointName), ("--payload", payload), ("--inference-component", component)] where value != nil {
                throw UsageError("\(option) goes with --api sagemaker; Bedrock takes --model")
            }
            guard let model else { throw UsageError("--model is required with --api bedrock: a model id (anthropic.claude-instant-v1), an inference profile id or an ARN") }
            api = .bedrock
            name = model
        } else {
            guard let endpointName else { throw UsageError("--endpoint is required with --api sagemaker: the SageMaker endpoint's name") }
            if model != nil {
                throw UsageError("--model does not go with --api sagemaker: --endpoint names what answers (a container that wants a model field takes --request-field model='\"NAME\"')")
            }
            switch payload ?? "tgi" {
            case "tgi": api = .sagemakerTGI
            case "openai-chat": api = .sagemakerOpenAIChat
            case let other: throw UsageError("--payload '\(other)': unknown; known: tgi (TGI and LMI containers), openai-chat")
            }
            if let component { headers.append((name: "X-Amzn-SageMaker-Inference-Component", value: component)) }
            name = endpointName
        }
        let resolver = AWSCredentialResolver(environment: environment) { path in
            FileManager.default.fileExists(atPath: path) ? try String(contentsOfFile: path, encoding: .utf8) : nil
        }
        let access: AWSAccess
        do {
            access = try resolver.resolve(region: region, acceptsBearerToken: isBedrock)
        } catch {
            throw UsageError(error.description)
        }
        let regionalOrGiven = url ?? api.regionalURL(region: access.region)!
        do {
            // AWS endpoints have no Prometheus page: read one only where --metrics-path names it.
            return try LiveEndpoint(
                url: regionalOrGiven, api: api, model: name, streaming: streaming,
                extraFields: extraFields, metricsPath: metricsPath, route: route,
                aws: access, extraHeaders: headers,
                certificateBundle: try certificateBundle.path(for: regionalOrGiven, readsAWSEnvironment: true))
        } catch let error as LiveEndpointError {
            throw UsageError(error.description)
        }
    }
}
