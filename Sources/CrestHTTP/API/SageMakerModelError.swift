import Crest
import Foundation

/// SageMaker's ModelError: HTTP 424 (Failed Dependency) with `x-amzn-ErrorType: ModelError`, sent
/// when the endpoint's container answered with an error status of its own, which the JSON body
/// carries as `OriginalStatusCode` (with `OriginalMessage`). The 424 says only that the container
/// failed; the container's own status says how, so it decides the outcome: an overloaded TGI
/// container's 503 or 500 is a server error the levels count, not a refusal that ends the sweep.
enum SageMakerModelError {
    static let status = 424
    static let name = "ModelError"

    /// True when `head` is a ModelError.
    static func matches(_ head: HTTPResponseHead) -> Bool {
        head.status == status && head.fields["x-amzn-errortype"].map { $0.hasPrefix(name) } == true
    }

    /// The outcome of a ModelError whose body is `body`, and why, in the report's words.
    static func outcome(body: [UInt8]) -> (outcome: Outcome, reason: String) {
        let fields = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        guard let original = fields?["OriginalStatusCode"] as? Int else {
            // Without the container's status the error is the container's, as SageMaker documents it.
            return (.http5xx, "SageMaker's ModelError without the container's status: counted a server error")
        }
        let outcome: Outcome
        switch original {
        case 429: outcome = .http429
        case 400..<500: outcome = .http4xx
        default: outcome = .http5xx
        }
        return (outcome, "the endpoint's container answered HTTP \(original) (SageMaker's ModelError, 424)")
    }
}
