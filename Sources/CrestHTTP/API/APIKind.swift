import Crest
import CrestAWS
import Foundation

/// The request and response shapes Crest speaks.
public enum APIKind: String, Sendable, CaseIterable {
    /// OpenAI chat completions (`/v1/chat/completions`): vLLM, SGLang, llama-server, Ollama, hosted APIs.
    case openAIChat = "openai-chat"
    /// OpenAI text completions (`/v1/completions`).
    case openAICompletions = "openai-completions"
    /// Hugging Face Text Generation Inference's native API (`/generate_stream`, `/generate`).
    case tgi
    /// Amazon Bedrock Runtime's Converse API (`/model/{id}/converse`, `/converse-stream`, whose
    /// stream is AWS event-stream framing); the model is the model id, inference profile id or ARN.
    case bedrock
    /// A SageMaker endpoint (`/endpoints/{name}/invocations`, `/invocations-response-stream`)
    /// serving a TGI or LMI container: TGI's payload, its stream as TGI's SSE lines inside the
    /// event stream's PayloadParts. The model is the endpoint's name.
    case sagemakerTGI = "sagemaker-tgi"
    /// A SageMaker endpoint serving an OpenAI-compatible container (`messages`, chat completion chunks).
    case sagemakerOpenAIChat = "sagemaker-openai-chat"

    /// The path requests go to when the URL names none; `model` names the Bedrock model or the
    /// SageMaker endpoint, which AWS puts in the path (percent-encoded: a model id's `:` and an
    /// ARN's `/` are part of one segment).
    public func defaultPath(model: String, streaming: Bool) -> String {
        switch self {
        case .openAIChat: return "/v1/chat/completions"
        case .openAICompletions: return "/v1/completions"
        case .tgi: return streaming ? "/generate_stream" : "/generate"
        case .bedrock: return "/model/\(Self.pathSegment(model))/\(streaming ? "converse-stream" : "converse")"
        case .sagemakerTGI, .sagemakerOpenAIChat:
            return "/endpoints/\(Self.pathSegment(model))/\(streaming ? "invocations-response-stream" : "invocations")"
        }
    }

    /// The kinds self-hosted servers speak (vLLM, SGLang, llama-server, TGI), which the scripted
    /// test endpoints and `crest serve` answer.
    public static let selfHosted: [APIKind] = [.openAIChat, .openAICompletions, .tgi]

    /// The AWS service that signs this API's requests (SigV4's signing name); nil for the others.
    public var awsService: String? {
        switch self {
        case .bedrock: return "bedrock"
        case .sagemakerTGI, .sagemakerOpenAIChat: return "sagemaker"
        case .openAIChat, .openAICompletions, .tgi: return nil
        }
    }

    /// The regional endpoint of an AWS kind: Bedrock Runtime's or SageMaker Runtime's.
    public func regionalURL(region: String) -> String? {
        switch awsService {
        case "bedrock": return "https://bedrock-runtime.\(region).amazonaws.com"
        case "sagemaker": return "https://runtime.sagemaker.\(region).amazonaws.com"
        default: return nil
        }
    }

    /// For a SageMaker kind, the API of the container behind the endpoint: the shape of its
    /// payloads and of the stream inside the PayloadParts.
    public var containerAPI: APIKind? {
        switch self {
        case .sagemakerTGI: return .tgi
        case .sagemakerOpenAIChat: return .openAIChat
        default: return nil
        }
    }

    /// True when a streamed response is AWS event-stream frames rather than server-sent events.
    public var streamsEventFrames: Bool { awsService != nil }

    /// What the Accept header asks for.
    func accept(streaming: Bool) -> String {
        guard streaming else { return "application/json" }
        return streamsEventFrames ? "application/vnd.amazon.eventstream" : "text/event-stream"
    }

    /// Every byte but the unreserved characters percent-encoded, as the AWS SDKs write a label of the path.
    private static func pathSegment(_ text: String) -> String {
        AWSURIEncoding.encode(text, keepingSlashes: false)
    }

    /// The JSON body for `prompt`. The request parameters its dataset line carries
    /// (`Prompt.requestFields`) and then `extraFields` (already parsed JSON values, which win) are
    /// merged at the top level for the OpenAI kinds and into `parameters` for TGI; both win over
    /// Crest's own fields. Converse takes the line's in its own shape (`converseBody`).
    public func body(
        for prompt: Prompt, model: String, streaming: Bool, maxOutputTokens: Int?, extraFields: [String: Any]
    ) throws -> [UInt8] {
        let lineFields = try Self.parsed(prompt.requestFields)
        let extraFields = self == .bedrock ? extraFields : lineFields.merging(extraFields) { _, commandLine in commandLine }
        switch self {
        case .bedrock:
            return try Self.encode(Self.converseBody(for: prompt, maxOutputTokens: maxOutputTokens, lineFields: lineFields, extraFields: extraFields))
        case .sagemakerTGI, .sagemakerOpenAIChat:
            // The container's own payload. The model field means nothing to SageMaker, which routes
            // by endpoint; a TGI container streams only when the payload asks.
            var payload = try containerAPI!.bodyObject(for: prompt, model: model, streaming: streaming, maxOutputTokens: maxOutputTokens, extraFields: extraFields)
            if self == .sagemakerTGI, streaming { payload["stream"] = true }
            if self == .sagemakerOpenAIChat, extraFields["model"] == nil { payload["model"] = nil }
            return try Self.encode(payload)
        case .openAIChat, .openAICompletions, .tgi:
            return try Self.encode(bodyObject(for: prompt, model: model, streaming: streaming, maxOutputTokens: maxOutputTokens, extraFields: extraFields))
        }
    }

    /// The JSON object of an OpenAI or TGI request.
    private func bodyObject(
        for prompt: Prompt, model: String, streaming: Bool, maxOutputTokens: Int?, extraFields: [String: Any]
    ) throws -> [String: Any] {
        var object: [String: Any]
        switch self {
        case .openAIChat, .openAICompletions:
            object = ["model": model, "stream": streaming]
            if self == .openAIChat {
                object["messages"] = prompt.content.messages.map { ["role": $0.role, "content": $0.content] }
            } else {
                object["prompt"] = prompt.content.joinedText
            }
            // The usage block gives exact token counts; without this option servers leave it out
            // of streams.
            if streaming { object["stream_options"] = ["include_usage": true] }
            if let maxOutputTokens { object["max_tokens"] = maxOutputTokens }
            object.merge(extraFields) { _, extra in extra }
        case .tgi:
            // `details` makes TGI report the number of generated tokens.
            var parameters: [String: Any] = ["details": true]
            if let maxOutputTokens { parameters["max_new_tokens"] = maxOutputTokens }
            parameters.merge(extraFields) { _, extra in extra }
            object = ["inputs": prompt.content.joinedText, "parameters": parameters]
        case .bedrock, .sagemakerTGI, .sagemakerOpenAIChat:
            preconditionFailure("AWS bodies are built by body(for:...)")
        }
        return object
    }

    /// Converse's body: the conversation as content blocks of text, system messages apart, the
    /// output cap in `inferenceConfig`; extra fields merged at the top level
    /// (`additionalModelRequestFields`, `performanceConfig`...). A dataset line's temperature,
    /// top_p and stop go into `inferenceConfig` under Converse's names; its other parameters into
    /// `additionalModelRequestFields`, which Bedrock hands to the model as they are.
    private static func converseBody(for prompt: Prompt, maxOutputTokens: Int?, lineFields: [String: Any], extraFields: [String: Any]) -> [String: Any] {
        let conversation = prompt.content.messages
        var object: [String: Any] = [
            "messages": conversation.filter { $0.role != "system" }.map { ["role": $0.role, "content": [["text": $0.content]]] }
        ]
        let system = conversation.filter { $0.role == "system" }.map { ["text": $0.content] }
        if !system.isEmpty { object["system"] = system }
        var inference: [String: Any] = [:]
        if let maxOutputTokens { inference["maxTokens"] = maxOutputTokens }
        var additional: [String: Any] = [:]
        for (name, value) in lineFields {
            switch name {
            case "temperature": inference["temperature"] = value
            case "top_p": inference["topP"] = value
            case "stop": inference["stopSequences"] = (value as? String).map { [$0] } ?? value
            default: additional[name] = value
            }
        }
        if !inference.isEmpty { object["inferenceConfig"] = inference }
        if !additional.isEmpty { object["additionalModelRequestFields"] = additional }
        object.merge(extraFields) { _, extra in extra }
        return object
    }

    /// JSON texts per name, parsed.
    private static func parsed(_ fields: [String: String]) throws -> [String: Any] {
        try fields.mapValues { try JSONSerialization.jsonObject(with: Data($0.utf8), options: .fragmentsAllowed) }
    }

    private static func encode(_ object: [String: Any]) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
    }
}
