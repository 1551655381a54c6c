import XCTest
@testable import Crest

final class FailureEvidenceTests: XCTestCase {
    private func level(_ concurrency: Int, _ failures: Int, of requests: Int) -> FailureEvidence.Level {
        FailureEvidence.Level(concurrency: concurrency, failures: failures, requests: requests)
    }

    // Random failures, about 0.5% everywhere: the levels below pool in.
    func testFailuresThatDoNotRiseWithLoadPoolOverEveryLevel() {
        let levels = [level(4, 1, of: 200), level(8, 1, of: 300), level(16, 4, of: 800), level(32, 0, of: 100)]
        XCTAssertEqual(FailureEvidence.pooled(for: 16, from: levels, ceiling: 0.01), FailureEvidence(failures: 6, requests: 1400))
    }

    // None below in 1,000 requests, 10 in 1,000 at and above: the failures rise with load (a 0.1%
    // chance of as many above if they did not), and the levels below would flatter this one.
    func testFailuresThatRiseWithLoadKeepOnlyTheLevelsAtAndAbove() {
        let levels = [level(4, 0, of: 500), level(8, 0, of: 500), level(16, 8, of: 800), level(24, 1, of: 100), level(32, 1, of: 100)]
        XCTAssertEqual(FailureEvidence.pooled(for: 16, from: levels, ceiling: 0.01), FailureEvidence(failures: 10, requests: 1000))
    }

    // A level past a failure cliff (5% at 64) would only loosen the bound: the evidence stops at the
    // highest level within the ceiling.
    func testLevelsPastAFailureCliffAreLeftOut() {
        let levels = [level(16, 2, of: 800), level(32, 1, of: 200), level(64, 10, of: 200)]
        XCTAssertEqual(FailureEvidence.pooled(for: 16, from: levels, ceiling: 0.01), FailureEvidence(failures: 3, requests: 1000))
    }

    // The test's boundary: of 5 failures, 4 above where above holds half the requests is a 19%
    // chance under equal rates (rising at 20%); 3 of 4 is 31% (not rising).
    func testTheRisingTestIsOneSidedAtTwentyPercent() {
        XCTAssertTrue(FailureEvidence.failuresRise(above: .init(failures: 4, requests: 500), below: .init(failures: 1, requests: 500)))
        XCTAssertFalse(FailureEvidence.failuresRise(above: .init(failures: 3, requests: 500), below: .init(failures: 1, requests: 500)))
        XCTAssertFalse(FailureEvidence.failuresRise(above: .init(failures: 0, requests: 500), below: .init(failures: 5, requests: 500)))
        XCTAssertTrue(FailureEvidence.failuresRise(above: .init(failures: 0, requests: 0), below: .init(failures: 0, requests: 500)))
    }
}
