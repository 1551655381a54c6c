/// The endpoint under test, as recorded in run.json and shown in reports (never with secrets).
public struct Target: Sendable, Equatable, Codable {
    /// How the user named it: `sim:a100-llama3-8b`, or a URL.
    public let name: String
    /// "simulator" or an API kind.
    public let kind: String
    /// The model served.
    public let model: String
    /// The label reports use for the hardware or offering, like FMBench's instance_type.
    public let instanceLabel: String
    public let pricing: Pricing?

    public init(name: String, kind: String, model: String, instanceLabel: String, pricing: Pricing?) {
        self.name = name
        self.kind = kind
        self.model = model
        self.instanceLabel = instanceLabel
        self.pricing = pricing
    }

    enum CodingKeys: String, CodingKey {
        case name, kind, model, pricing
        case instanceLabel = "instance_label"
    }
}
