extension Sample {
    /// The request's own value of a latency metric, as every budget test reads it: +∞ for a failed
    /// request (over any limit) and for a success without a first token (its TTFT is unknown); nil
    /// where the metric has no value for this request: TPOT of a one-token answer (there is no gap
    /// to time), and ITL, which is judged pooled over the gaps of all requests, never per request.
    ///
    /// Callers choose what nil means for them: a distribution leaves such requests out; a count
    /// of requests over a limit counts them under it, as they cannot break it.
    public func budgetValue(of metric: LatencyMetric) -> Double? {
        guard outcome.isSuccess else { return .infinity }
        switch metric {
        case .e2e: return latencySeconds
        case .ttft: return ttftSeconds ?? .infinity
        case .tpot: return tpotSeconds
        case .itl: return nil
        case .ttfa: return ttfaSeconds ?? .infinity
        }
    }
}
