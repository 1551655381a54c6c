/// Warm start (`crest sweep --prior RESULTS`): measure an earlier sweep's answer and the level above
/// it again; when the endpoint measures as it did, confirm that answer with the earlier requests
/// there pooled in, for a fraction of a search; when it does not, say what changed and search.
///
/// The answer is compared with the earlier sweep twice: its screening catches a large change
/// before anything is pooled, its confirmation (hundreds of requests) a smaller one; a change
/// found then withdraws the confirmation, whose test pooled requests of another endpoint.
extension AdaptiveController {
    /// The outcome when the earlier answer stands, confirmed; nil to search as from cold (the levels
    /// measured here stay in the ledger, and `ledger.priorNote` says why).
    func warmStart(from prior: PriorSweep) async throws -> SearchOutcome? {
        let answer = prior.answer
        guard answer <= maxConcurrency else {
            ledger.priorNote = "The answer of \(prior.folder), \(answer), is above --max-concurrency: searched afresh."
            return nil
        }
        // The answer is measured again by its confirmation, the earlier requests there pooled in
        // (when the endpoint measures as before, a first look of 2N requests decides it), and its
        // own requests compared with the earlier ones: a change withdraws the confirmation.
        ledger.pooledPrior = prior
        let earlier = prior.exceedances(at: answer, budget: budget).map(\.judged).max() ?? 0
        let confirmation = try await confirm(
            answer, reason: "measure again the answer of \(prior.folder) and confirm it, with the \(earlier) requests measured there before pooled in")
        if let change = prior.change(at: answer, now: confirmation) { return searchAfresh(prior, because: change, withdrawing: answer) }
        guard ledger.judge(confirmation)?.accepts == true else {
            // Not a change shown, but an answer that no longer passes: within its noise of a limit.
            ledger.pooledPrior = nil
            ledger.priorNote = "Not confirmed since \(prior.folder): its answer's confirmation at \(answer), with the earlier requests pooled in, "
                + "ended \(confirmation.verdict.labelWithCertainty); searched afresh."
            return nil
        }
        var remeasured = [answer]
        if let neighbour = prior.neighbour, neighbour <= maxConcurrency, prior.brokeNarrowly(neighbour) {
            let above = try await screen(neighbour, phase: .prior, reason: "measure again the level above it, which broke the budget narrowly in \(prior.folder)")
            if let change = prior.change(at: neighbour, now: above) { return searchAfresh(prior, because: change, withdrawing: answer) }
            remeasured.append(neighbour)
        }
        let notRemeasured = prior.levels.filter { !remeasured.contains($0.key) }
        ledger.priorNote = "The endpoint measured as in \(prior.folder) at \(remeasured.map(String.init).joined(separator: " and ")): "
            + "its answer stands, confirmed with its requests there pooled in"
            + (prior.limit.flatMap(\.nextConcurrency).map { remeasured.contains($0) ? "." : " (\($0) as \(prior.folder) measured it)." } ?? ".")
        return finish(answer: answer, reason: .converged, standing: (prior.limit, notRemeasured))
    }

    /// Starts the search afresh after `change`: the earlier sweep's requests pool no more, and a
    /// confirmation that pooled them stands as a measurement only.
    private func searchAfresh(_ prior: PriorSweep, because change: String, withdrawing confirmed: Int? = nil) -> SearchOutcome? {
        ledger.pooledPrior = nil
        if let confirmed { ledger.withdrawConfirmation(of: confirmed) }
        ledger.priorNote = "Changed since \(prior.folder): \(change); searched afresh."
        return nil
    }
}
