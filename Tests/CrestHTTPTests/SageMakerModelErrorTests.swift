import Crest
import XCTest
@testable import CrestHTTP

/// SageMaker's 424 ModelError carries the container's own status, which decides the outcome: an
/// overloaded container's 5xx must count as a server error, not as a refusal that ends the sweep.
final class SageMakerModelErrorTests: XCTestCase {
    private func outcome(_ body: String) -> Outcome {
        SageMakerModelError.outcome(body: Array(body.utf8)).outcome
    }

    func testTheContainersStatusDecides() {
        XCTAssertEqual(outcome(#"{"ErrorCode":"INTERNAL_FAILURE_FROM_MODEL","OriginalStatusCode":503,"OriginalMessage":"overloaded"}"#), .http5xx)
        XCTAssertEqual(outcome(#"{"ErrorCode":"CLIENT_ERROR_FROM_MODEL","OriginalStatusCode":422,"OriginalMessage":"Input validation error"}"#), .http4xx)
        XCTAssertEqual(outcome(#"{"OriginalStatusCode":429}"#), .http429)
        XCTAssertEqual(outcome(#"{"message":"no status"}"#), .http5xx, "a ModelError is the container's failing, as SageMaker documents it")
        XCTAssertEqual(outcome("not json"), .http5xx)
    }

    func testOnlyA424NamedModelErrorIsOne() {
        func head(_ status: Int, _ type: String?) -> HTTPResponseHead {
            var fields = ["content-type": "application/json"]
            fields["x-amzn-errortype"] = type
            return HTTPResponseHead(status: status, fields: fields)
        }
        XCTAssertTrue(SageMakerModelError.matches(head(424, "ModelError:http://internal.amazon.com/coral/com.amazon.sagemaker/")))
        XCTAssertTrue(SageMakerModelError.matches(head(424, "ModelError")))
        XCTAssertFalse(SageMakerModelError.matches(head(424, nil)))
        XCTAssertFalse(SageMakerModelError.matches(head(400, "ModelError")))
    }
}
