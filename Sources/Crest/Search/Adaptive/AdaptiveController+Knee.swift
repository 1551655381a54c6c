/// Knee: the smallest level whose throughput is within the plateau tolerance of the best feasible.
extension AdaptiveController {
    /// The knee below the bracket's floor; nil when no level is feasible.
    ///
    /// Single screening rates are too noisy (5-10%) to resolve a 2% tolerance, so the throughput
    /// model fitted to the feasible levels (Little's law on mean latency; USL when throughput falls)
    /// places the knee: past a batch cap or a peak below the bracket's floor, where throughput stops
    /// growing; on a curve still rising at the floor, where it comes within the tolerance of the
    /// floor's (a linear curve's knee under a budget-bound floor of 100 is 98). While the measured
    /// levels around the model's knee are far apart (a ×4 ramp step) and did not measure the same
    /// rate (`measuredAsPlateau`), the search measures there and fits again. The knee never lies
    /// at or below a level measured clearly slower than the model's peak.
    func knee() async throws -> Int? {
        guard let floor = ledger.floor else { return nil }
        var candidate = floor
        for _ in 0..<5 {
            let known = ledger.known
            guard let model = models.throughput(feasibleOnly: known) else { return try await settle(floor) }
            let rates = (1...floor).map { models.throughputValue(model, at: Double($0)) }
            let top = rates.max() ?? 0
            let peak = (rates.firstIndex(of: top) ?? floor - 1) + 1
            // Without a plateau below the floor, throughput still rises there and the knee is where
            // it comes within the tolerance of the floor's, read off a model extrapolated from a few
            // screenings: aim at three quarters of the tolerance, inside the band. (On the search
            // benchmark when this came in: at the whole tolerance 81.4% of answers within 2% of the
            // optimum, at three quarters 82.9%, at half 82.2%; answering the floor itself, 82.7%,
            // but 78.4% within one level of the optimum against 83.9%.)
            let band = models.showsPlateau(model, below: floor) ? tolerance : 0.75 * tolerance
            candidate = (rates.firstIndex { $0 >= (1 - band) * top } ?? floor - 1) + 1
            let feasible = known.values.filter { $0.verdict.isFeasible && $0.concurrency <= floor && !ledger.rejected.contains($0.concurrency) }
            let slower = feasible.filter { level in
                guard level.concurrency < peak, let rate = models.littleRate(level) else { return false }
                return rate.value * (1 + 2 * rate.relativeError) < (1 - tolerance) * top
            }.map(\.concurrency).max()
            if let slower { candidate = max(candidate, slower + 1) }
            candidate = min(candidate, floor)
            let levels = feasible.map(\.concurrency).sorted()
            guard let below = levels.last(where: { $0 < candidate }), let above = levels.first(where: { $0 >= candidate }),
                Double(above) / Double(below) > 1.2, canExplore(above), !measuredAsPlateau(from: below, to: above)
            else { break }
            let probe = known[candidate] == nil ? candidate : Int((Double(below) * Double(above)).squareRoot().rounded())
            guard known[probe] == nil, probe > below, probe <= above else { break }
            _ = try await screen(probe, phase: .knee, reason: "the \(model.model.rawValue) fit puts the knee near \(candidate), between measured levels \(below) and \(above)")
        }
        return try await settle(candidate)
    }

    /// True when the level below the candidate measured a rate (Little's law) within the plateau
    /// tolerance of the level above it. A probe between them could not resolve the tolerance (a
    /// screening's rate is 3-10% noisy) and would only refit a curve the measurements call flat
    /// there: on a flat plateau the fit's knee wanders with each level added (llama.cpp's
    /// llama-server: five probes, 221 requests, no gain). Point estimates, not "within the
    /// tolerance give or take the noise": that let seed 8 of the default sweep stop between levels
    /// 11% apart in rate, and answer 33 where the optimum is near 50.
    private func measuredAsPlateau(from below: Int, to above: Int) -> Bool {
        guard let low = ledger.known[below].flatMap(models.littleRate), let high = ledger.known[above].flatMap(models.littleRate) else { return false }
        return low.value >= (1 - tolerance) * high.value
    }

    /// The knee candidate after rejections, measured (screening) if it was not; searches lower if it fails.
    private func settle(_ level: Int) async throws -> Int? {
        var candidate = level
        while ledger.rejected.contains(candidate) && candidate > 1 { candidate -= 1 }
        if ledger.rejected.contains(candidate) { return nil }
        if ledger.known[candidate] == nil {
            let result = try await screen(candidate, phase: .knee, reason: "throughput within \(NumberFormatting.significant(tolerance * 100))% of the best feasible; higher levels only add latency")
            if !result.verdict.isFeasible { return try await knee() }
        }
        return candidate
    }
}
