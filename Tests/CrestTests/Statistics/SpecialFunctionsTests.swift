import XCTest
@testable import Crest

/// Known values from Abramowitz & Stegun tables and closed forms.
final class SpecialFunctionsTests: XCTestCase {
    func testIncompleteBetaKnownValues() {
        // I_x(1, 1) = x; I_x(a, 1) = x^a; I_0.5(2, 3) = 11/16.
        XCTAssertEqual(SpecialFunctions.regularizedIncompleteBeta(a: 1, b: 1, x: 0.3), 0.3, accuracy: 1e-14)
        XCTAssertEqual(SpecialFunctions.regularizedIncompleteBeta(a: 3, b: 1, x: 0.6), 0.216, accuracy: 1e-14)
        XCTAssertEqual(SpecialFunctions.regularizedIncompleteBeta(a: 2, b: 3, x: 0.5), 0.6875, accuracy: 1e-14)
        // Symmetry: I_x(a, b) = 1 − I_{1−x}(b, a), on both sides of the switch point.
        for x in [0.05, 0.4, 0.6, 0.95] {
            let left = SpecialFunctions.regularizedIncompleteBeta(a: 7.5, b: 2.5, x: x)
            let right = SpecialFunctions.regularizedIncompleteBeta(a: 2.5, b: 7.5, x: 1 - x)
            XCTAssertEqual(left, 1 - right, accuracy: 1e-12)
        }
    }

    func testBinomialCDFMatchesADirectSum() {
        func direct(_ k: Int, _ n: Int, _ p: Double) -> Double {
            var sum = 0.0
            for i in 0...k {
                let logChoose: Double = lgamma(Double(n + 1)) - lgamma(Double(i + 1)) - lgamma(Double(n - i + 1))
                let logTerm: Double = logChoose + Double(i) * log(p) + Double(n - i) * log(1 - p)
                sum += exp(logTerm)
            }
            return sum
        }
        for (k, n, p) in [(0, 10, 0.5), (3, 10, 0.5), (5, 59, 0.05), (280, 300, 0.95), (7, 20, 0.3)] {
            XCTAssertEqual(SpecialFunctions.binomialCDF(k, trials: n, probability: p), direct(k, n, p), accuracy: 1e-12, "k \(k) n \(n) p \(p)")
        }
        XCTAssertEqual(SpecialFunctions.binomialCDF(-1, trials: 5, probability: 0.5), 0)
        XCTAssertEqual(SpecialFunctions.binomialCDF(5, trials: 5, probability: 0.5), 1)
    }

    func testNormalAndStudentTQuantiles() {
        XCTAssertEqual(SpecialFunctions.normalQuantile(0.975), 1.959964, accuracy: 1e-6)
        XCTAssertEqual(SpecialFunctions.normalQuantile(0.5), 0, accuracy: 1e-10)
        // t tables: ν = 1, 10 and 30 at 97.5%.
        XCTAssertEqual(SpecialFunctions.studentTQuantile(0.975, degreesOfFreedom: 1), 12.7062, accuracy: 1e-4)
        XCTAssertEqual(SpecialFunctions.studentTQuantile(0.975, degreesOfFreedom: 10), 2.228139, accuracy: 1e-6)
        XCTAssertEqual(SpecialFunctions.studentTQuantile(0.975, degreesOfFreedom: 30), 2.042272, accuracy: 1e-6)
        XCTAssertEqual(SpecialFunctions.studentTQuantile(0.025, degreesOfFreedom: 9), -2.262157, accuracy: 1e-6)
    }

    func testBetaQuantileInvertsTheCDF() {
        for (a, b, p) in [(2.0, 5.0, 0.1), (10.0, 3.0, 0.975), (0.5, 0.5, 0.5)] {
            let x = SpecialFunctions.inverseRegularizedIncompleteBeta(a: a, b: b, probability: p)
            XCTAssertEqual(SpecialFunctions.regularizedIncompleteBeta(a: a, b: b, x: x), p, accuracy: 1e-10)
        }
    }
}
