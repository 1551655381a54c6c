import XCTest
@testable import Crest

final class BudgetParsingTests: XCTestCase {
    func testParsesEveryDocumentedForm() throws {
        let cases: [(String, LatencyMetric, BudgetStatistic, Double, String)] = [
            ("e2e.p95<=20s", .e2e, .percentile(Percentile(95)), 20, "e2e.p95<=20s"),
            ("ttft.p99 <= 1.5s", .ttft, .percentile(Percentile(99)), 1.5, "ttft.p99<=1.5s"),
            ("TPOT.mean<=80ms", .tpot, .mean, 0.08, "tpot.mean<=80ms"),
            ("e2e.p99.9<=30s", .e2e, .percentile(Percentile(99.9)), 30, "e2e.p99.9<=30s"),
            ("itl.p50<=0.05s", .itl, .percentile(Percentile(50)), 0.05, "itl.p50<=50ms"),
        ]
        for (text, metric, statistic, seconds, canonical) in cases {
            let constraint = try LatencyConstraint(parsing: text)
            XCTAssertEqual(constraint.metric, metric, text)
            XCTAssertEqual(constraint.statistic, statistic, text)
            XCTAssertEqual(constraint.limitSeconds, seconds, accuracy: 1e-12, text)
            XCTAssertEqual(constraint.description, canonical, text)
            XCTAssertEqual(try LatencyConstraint(parsing: constraint.description), constraint, "\(text) round-trips")
        }
    }

    func testMalformedExpressionsSayWhatIsWrong() {
        let form = "; expected METRIC.STAT<=VALUE such as 'e2e.p95<=20s' or 'ttft.mean<=800ms' (METRIC e2e, ttft, ttfa, tpot or itl; STAT mean or a percentile like p99.9; VALUE in ms or s)"
        let cases: [(String, String)] = [
            ("e2e.p95<20s", "the comparison must be '<=' (a budget is an upper bound)"),
            ("e2e.p95", "no '<=' found"),
            ("latency.p95<=20s", "unknown metric 'latency' (known: e2e, ttft, tpot, itl, ttfa)"),
            ("e2e<=20s", "'e2e' must be METRIC.STAT, such as e2e.p95"),
            ("e2e.median<=20s", "unknown statistic 'median' (use mean, or a percentile such as p50, p95, p99.9)"),
            ("e2e.p100<=20s", "percentile 'p100' must lie strictly between p0 and p100"),
            ("e2e.p95<=20", "the value '20' needs a unit, ms or s"),
            ("e2e.p95<=fast s", "'fast s' is not a number with a unit"),
            ("e2e.p95<=0s", "the limit must be above zero"),
            // Once stored as e2e.p100, which the report then refused, after a confirmation of a
            // million requests.
            ("e2e.p99.9999999<=20s", "percentile 'p99.9999999' has more than 2 digits after the point; the finest is p99.99"),
            ("e2e.p9e1<=20s", "unknown statistic 'p9e1' (use mean, or a percentile such as p50, p95, p99.9)"),
            // Swift's Double(_:) reads hexadecimal: 0x14 would have been 20.
            ("e2e.p95<=0x14s", "'0x14s' is not a number with a unit"),
        ]
        for (text, problem) in cases {
            XCTAssertThrowsError(try LatencyConstraint(parsing: text)) { error in
                XCTAssertEqual((error as? BudgetError)?.description, "budget '\(text)': \(problem)\(form)")
            }
        }
    }

    func testErrorRateCeilings() throws {
        XCTAssertEqual(try Budget.parseErrorRate("1%"), 0.01, accuracy: 1e-12)
        XCTAssertEqual(try Budget.parseErrorRate("0.5 %"), 0.005, accuracy: 1e-12)
        XCTAssertEqual(try Budget.parseErrorRate("0.02"), 0.02, accuracy: 1e-12)
        XCTAssertEqual(try Budget.parseErrorRate("0%"), 0)
        for bad in ["150%", "-1%", "lots", "2"] {
            XCTAssertThrowsError(try Budget.parseErrorRate(bad)) { error in
                XCTAssertEqual(error as? BudgetError, .malformedErrorRate(value: bad))
            }
        }
    }

    func testBudgetDescription() throws {
        let budget = Budget(latency: [try LatencyConstraint(parsing: "e2e.p95<=20s"), try LatencyConstraint(parsing: "ttft.p99<=800ms")], maxErrorRate: 0.01)
        XCTAssertEqual(budget.description, "e2e.p95<=20s AND ttft.p99<=800ms AND errors<=1%")
    }
}
