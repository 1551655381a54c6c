import CrestAWS

/// How `crest serve` answers in AWS's shapes: Bedrock's Converse and ConverseStream
/// (`/model/{id}/converse`, `/converse-stream`) and a SageMaker endpoint's invocations
/// (`/endpoints/{name}/invocations`, `/invocations-response-stream`, TGI's payload), each checked
/// as AWS checks it: SigV4 for the service and region with the keys it knows, or, for Bedrock,
/// the API key as a bearer token.
public struct AWSServing: Sendable {
    /// The secret of each access key id it accepts.
    public let secrets: [String: String]
    /// A Bedrock API key it accepts; nil for none.
    public let bearerToken: String?
    public let region: String
    /// The share of requests refused with a ThrottlingException, drawn by seed.
    public let throttleRate: Double

    public init(secrets: [String: String], bearerToken: String? = nil, region: String, throttleRate: Double = 0) {
        self.secrets = secrets
        self.bearerToken = bearerToken
        self.region = region
        self.throttleRate = throttleRate
    }

    /// AWS's documented example key pair: what `crest serve` accepts when its environment holds no keys.
    public static let exampleAccessKeyID = "AKIDEXAMPLE"
    public static let exampleSecretAccessKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

    func verifier(service: String) -> SigV4Verifier {
        SigV4Verifier(secrets: secrets, service: service, region: region)
    }
}
