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

    /// Serves with the key pair of `environment` (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`),
    /// or AWS's example pair when it holds none, and `AWS_BEARER_TOKEN_BEDROCK` as an API key.
    public init(environment: [String: String], region: String, throttleRate: Double = 0) {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let pair = value("AWS_ACCESS_KEY_ID").flatMap { key in value("AWS_SECRET_ACCESS_KEY").map { (key, $0) } }
            ?? (Self.exampleAccessKeyID, Self.exampleSecretAccessKey)
        self.init(secrets: [pair.0: pair.1], bearerToken: value("AWS_BEARER_TOKEN_BEDROCK"), region: region, throttleRate: throttleRate)
    }

    /// True when the only key pair accepted is AWS's published example, which may be printed.
    public var usesExampleKeys: Bool { secrets == [Self.exampleAccessKeyID: Self.exampleSecretAccessKey] }

    /// AWS's documented example key pair: what `crest serve` accepts when its environment holds no keys.
    public static let exampleAccessKeyID = "AKIDEXAMPLE"
    public static let exampleSecretAccessKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

    func verifier(service: String) -> SigV4Verifier {
        SigV4Verifier(secrets: secrets, service: service, region: region)
    }
}
