import XCTest
@testable import Crest

/// Each fit against data generated from known parameters.
final class FittingTests: XCTestCase {
    private func points(_ levels: [Double], noise: Double = 0, seed: UInt64 = 1, _ curve: (Double) -> Double) -> [CurvePoint] {
        var random = SeededRandom(seed: seed)
        return levels.map { n in
            let value = curve(n) * (1 + noise * random.nextStandardNormal())
            return CurvePoint(concurrency: n, value: value, standardError: abs(curve(n)) * max(noise, 0.001))
        }
    }

    func testWeightedLeastSquaresRecoversALine() throws {
        let solution = try XCTUnwrap(weightedLeastSquares(design: [[1, 1], [1, 2], [1, 3], [1, 4]], observations: [3, 5, 7, 9], weights: [1, 1, 1, 1]))
        XCTAssertEqual(solution.coefficients[0], 1, accuracy: 1e-12)
        XCTAssertEqual(solution.coefficients[1], 2, accuracy: 1e-12)
        XCTAssertEqual(solution.weightedSSE, 0, accuracy: 1e-20)
        // (XᵀX)⁻¹ for N = 1...4: [[1.5, -0.5], [-0.5, 0.2]].
        XCTAssertEqual(solution.inverseNormal[0][0], 1.5, accuracy: 1e-12)
        XCTAssertEqual(solution.inverseNormal[1][1], 0.2, accuracy: 1e-12)
    }

    func testHingeRecoversItsBend() throws {
        let truth = { (n: Double) in 2.0 + 0.05 * n + 0.4 * max(0, n - 40) }
        let fit = try XCTUnwrap(LinearCurves.hinge(points([1, 8, 16, 24, 32, 48, 64, 96], truth)))
        XCTAssertEqual(fit.parameters[3], 40, accuracy: 8, "the bend lies between the levels around 40")
        XCTAssertEqual(fit.predict(80), truth(80), accuracy: 0.05 * truth(80))
        XCTAssertEqual(fit.predict(20), truth(20), accuracy: 0.02 * truth(20))
        XCTAssertEqual(fit.concurrency(reaching: 10, between: 1, and: 96)!, 51.8, accuracy: 3, "2 + 0.05N + 0.4(N − 40) = 10")
    }

    // Mean latency from θ₀ = 1.5 s, θ₁ = 0.05 s/client, B = 32: flat throughput B/R(B) = 10 req/s beyond.
    func testContinuousBatchingModelRecoversItsParameters() throws {
        let truth = { (n: Double) in n <= 32 ? 1.5 + 0.05 * n : n * (1.5 + 0.05 * 32) / 32 }
        let fit = try XCTUnwrap(LinearCurves.continuousBatching(points([1, 4, 8, 16, 24, 32, 48, 64, 128], noise: 0.01, truth)))
        XCTAssertEqual(fit.parameters[0], 1.5, accuracy: 0.1)
        XCTAssertEqual(fit.parameters[1], 0.05, accuracy: 0.005)
        XCTAssertEqual(fit.parameters[2], 32, accuracy: 4)
        XCTAssertEqual(fit.throughputKnee, fit.parameters[2], "the batch cap is where throughput stops growing")
        XCTAssertEqual(128 / fit.predict(128), 32 / (1.5 + 0.05 * 32), accuracy: 0.3, "flat throughput past the cap")
        let interval = try XCTUnwrap(fit.predictionInterval(20, confidence: 0.95))
        XCTAssertLessThan(interval.lower, truth(20))
        XCTAssertGreaterThan(interval.upper, truth(20))
    }

    func testUSLRecoversARetrogradeCurve() throws {
        let truth = { (n: Double) in 10 * n / (1 + 0.03 * (n - 1) + 0.0008 * n * (n - 1)) }
        let fit = try XCTUnwrap(UniversalScalability.fit(points([1, 2, 4, 8, 16, 24, 32, 48, 64, 96], noise: 0.01, truth)))
        XCTAssertEqual(fit.parameters[0], 10, accuracy: 0.5)
        XCTAssertEqual(fit.parameters[1], 0.03, accuracy: 0.01)
        XCTAssertEqual(fit.parameters[2], 0.0008, accuracy: 0.0002)
        // The peak at √((1 − σ)/κ) ≈ 34.8.
        let peak = stride(from: 1.0, through: 96, by: 1).max { fit.predict($0) < fit.predict($1) }!
        XCTAssertEqual(peak, 34.8, accuracy: 4)
        // The knee the search and the plots read is that peak.
        XCTAssertEqual(try XCTUnwrap(fit.throughputKnee), peak, accuracy: 1)
    }

    func testUSLAllowsSlightlySuperlinearStarts() throws {
        let truth = { (n: Double) in 5 * n / (1 - 0.03 * (n - 1) + 0.002 * n * (n - 1)) }
        let fit = try XCTUnwrap(UniversalScalability.fit(points([1, 2, 3, 4, 6, 8, 12], truth)))
        XCTAssertEqual(fit.parameters[1], -0.03, accuracy: 0.005)
    }

    func testIsotonicRegressionPoolsViolators() {
        XCTAssertEqual(Isotonic.regression([1, 3, 2, 4], weights: [1, 1, 1, 1]), [1, 2.5, 2.5, 4])
        XCTAssertEqual(Isotonic.regression([5, 1, 1, 1], weights: [1, 1, 1, 1]), [2, 2, 2, 2])
        XCTAssertEqual(Isotonic.regression([1, 3, 2], weights: [1, 3, 1]), [1, 2.75, 2.75])
        let fit = Isotonic.fit([CurvePoint(concurrency: 1, value: 1, standardError: 0.1), CurvePoint(concurrency: 11, value: 3, standardError: 0.1)])!
        XCTAssertEqual(fit.predict(6), 2, accuracy: 1e-12)
    }

    func testSelectionPrefersTheSimplerModelUnlessTheBendIsReal() throws {
        let straight = try XCTUnwrap(ModelSelection.choose(points([1, 2, 4, 8, 16, 32, 64], noise: 0.01) { 1 + 0.1 * $0 }))
        XCTAssertEqual(straight.fit.model, .linear)
        XCTAssertTrue(straight.isTrusted)
        let bent = try XCTUnwrap(ModelSelection.choose(points([1, 2, 4, 8, 16, 32, 48, 64], noise: 0.01) { 1 + 0.02 * $0 + 0.5 * max(0, $0 - 20) }))
        XCTAssertEqual(bent.fit.model, .hinge)
    }

    func testForwardValidationDistrustsAModelThatCannotPredict() throws {
        // A cliff: flat, then ten times higher; a line fitted to the flat part predicts the cliff badly.
        let cliff = points([1, 2, 4, 8, 16, 24, 32]) { $0 < 10 ? 1 : 10 }
        let choice = try XCTUnwrap(ModelSelection.choose(cliff, fitters: [LinearCurves.line]))
        XCTAssertFalse(choice.isTrusted)
        XCTAssertGreaterThan(choice.forwardError!, 0.15)
    }

    func testFewPointsFallBackToIsotonic() throws {
        let choice = try XCTUnwrap(ModelSelection.choose(points([1, 4, 16]) { 1 + $0 }))
        XCTAssertEqual(choice.fit.model, .isotonic)
        XCTAssertTrue(choice.isTrusted, "the first two points predict the third on their line")
    }

    // Issue 13, finding 6: three points were enough to trust the monotone fit, unvalidated, and
    // the ramp stepped to its extrapolated crossing. Flat at 1 and 4, then 60% higher at 16: the
    // first two predict 1.0 there, 38% off, so the fit proposes nothing the search would trust.
    func testAMonotoneFitOfThreePointsIsTrustedOnlyWhenItPredictedTheThird() throws {
        let choice = try XCTUnwrap(ModelSelection.choose(points([1, 4, 16]) { $0 < 10 ? 1 : 1.6 }))
        XCTAssertEqual(choice.fit.model, .isotonic)
        XCTAssertFalse(choice.isTrusted)
        XCTAssertEqual(try XCTUnwrap(choice.forwardError), 0.375, accuracy: 1e-9)
    }

    func testAICcNeedsEnoughPoints() {
        let fit = LinearCurves.line(points([1, 2, 3]) { $0 })!
        XCTAssertNil(fit.aicc, "n = 3 < k + 2 = 4")
        XCTAssertNotNil(LinearCurves.line(points([1, 2, 3, 4]) { $0 })!.aicc)
    }

    // Issue 13, finding 6: σ may go slightly negative, and with a small κ the USL's denominator
    // then reaches zero at a higher load (σ = −0.05, κ = 10⁻⁴: zero near N = 22, most negative at 250),
    // where throughput would read infinite or negative. Such a fit is refused.
    func testAUSLWhoseDenominatorReachesZeroIsRefused() {
        XCTAssertTrue(UniversalScalability.denominatorStaysPositive(sigma: 0.02, kappa: 0))
        XCTAssertTrue(UniversalScalability.denominatorStaysPositive(sigma: -0.04, kappa: 0.01))
        XCTAssertFalse(UniversalScalability.denominatorStaysPositive(sigma: -0.05, kappa: 1e-4))
        XCTAssertFalse(UniversalScalability.denominatorStaysPositive(sigma: -0.01, kappa: 0))
        let n = 250.0
        XCTAssertLessThan(1 + -0.05 * (n - 1) + 1e-4 * n * (n - 1), 0, "the refused curve does go negative")
    }
}
