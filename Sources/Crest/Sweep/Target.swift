/// The endpoint under test, as recorded in run.json and shown in reports (never with secrets).
public struct Target: Sendable, Equatable, Codable {
    /// How the user named it: `sim:a100-llama3-8b`, or a URL.
    public let name: String
    public let kind: Kind
    /// The model served.
    public let model: String
    /// The label reports use for the hardware or offering, like FMBench's instance_type.
    public let instanceLabel: String
    public let pricing: Pricing?
    /// Where the credentials of an AWS endpoint came from ("environment: AWS_ACCESS_KEY_ID",
    /// "shared credentials file, profile prod"); never their values. Nil for other endpoints.
    public let credentialsSource: String?
    /// Where the price came from when Crest chose it ("Crest's price table, us-east-1 list prices
    /// as of 2025-01-26", "the preset's assumed price"); nil when the command line gave it.
    public let pricingOrigin: String?

    public init(
        name: String, kind: Kind, model: String, instanceLabel: String, pricing: Pricing?, credentialsSource: String? = nil,
        pricingOrigin: String? = nil
    ) {
        self.name = name
        self.kind = kind
        self.model = model
        self.instanceLabel = instanceLabel
        self.pricing = pricing
        self.credentialsSource = credentialsSource
        self.pricingOrigin = pricingOrigin
    }

    /// True for Crest's own simulator, whose times are virtual.
    public var isSimulator: Bool { kind == .simulator }

    enum CodingKeys: String, CodingKey {
        case name, kind, model, pricing
        case instanceLabel = "instance_label"
        case credentialsSource = "credentials_source"
        case pricingOrigin = "pricing_origin"
    }
}

extension Target {
    /// What answers the requests: the simulator, or an API kind as `--api` names it ("openai-chat").
    /// Open, as the API kinds live with the HTTP client, not here.
    public struct Kind: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        public let rawValue: String

        public init(rawValue: String) { self.rawValue = rawValue }

        public static let simulator = Kind(rawValue: "simulator")

        public var description: String { rawValue }
    }
}
