import Foundation

/// What Bedrock and SageMaker accept as the resource a request names, as the simulator's AWS
/// shapes check it: a model id nothing could serve, or an endpoint name SageMaker could never have
/// created, is refused with AWS's ValidationException before anything is generated, as the real
/// services refuse it. (The services know their accounts' resources; the simulator knows only
/// their shape, so a well-formed id of a model that does not exist passes here.)
enum AWSResourceNames {
    /// Bedrock's answer to a model id it does not know.
    static let invalidModelMessage = "The provided model identifier is invalid."

    /// A foundation-model id (`anthropic.claude-instant-v1`, `meta.llama3-8b-instruct-v1:0`), a
    /// cross-region inference profile id (`us.anthropic.claude-3-haiku-20240307-v1:0`), or a
    /// Bedrock ARN of a model, profile or provisioned throughput.
    static func isBedrockModel(_ id: String) -> Bool {
        matches(id, bedrockModelID) || matches(id, bedrockARN)
    }

    /// SageMaker's endpoint names: letters, digits and single hyphens, at most 63 characters.
    static func isSageMakerEndpoint(_ name: String) -> Bool {
        name.count <= 63 && matches(name, sageMakerEndpointName)
    }

    /// SageMaker's answer to a name that breaks its pattern.
    static func invalidEndpointMessage(_ name: String) -> String {
        "1 validation error detected: Value '\(name)' at 'endpointName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9])*"
    }

    private static let bedrockModelID = try! NSRegularExpression(
        pattern: #"^((us|eu|apac|us-gov|global|jp|au|ca)\.)?(amazon|anthropic|ai21|cohere|meta|mistral|stability|deepseek|writer|luma|twelvelabs|qwen|openai)\.[a-z0-9][a-z0-9.-]*(:[0-9]+(:[a-z0-9]+)?)?$"#)
    private static let bedrockARN = try! NSRegularExpression(
        pattern: #"^arn:aws(-[a-z]+)*:bedrock:[a-z0-9-]+:([0-9]{12})?:(foundation-model|inference-profile|application-inference-profile|provisioned-model|custom-model|imported-model)/[A-Za-z0-9.:/_-]+$"#)
    private static let sageMakerEndpointName = try! NSRegularExpression(pattern: #"^[a-zA-Z0-9](-*[a-zA-Z0-9])*$"#)

    private static func matches(_ text: String, _ expression: NSRegularExpression) -> Bool {
        expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
