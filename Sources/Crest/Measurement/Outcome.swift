/// How a request ended. Every failure is counted in its own category.
public enum Outcome: String, Sendable, Equatable, Codable, CaseIterable {
    case ok
    /// A 4xx status other than 429 (bad request, unauthorised, not found...).
    case http4xx = "http_4xx"
    /// 429 Too Many Requests: the endpoint's concurrency cap or quota.
    case http429 = "http_429"
    /// A 5xx status.
    case http5xx = "http_5xx"
    /// No complete response within the request timeout.
    case timeout
    /// The connection failed or broke mid-response.
    case transport
    /// A response that could not be understood.
    case malformed

    public var isSuccess: Bool { self == .ok }
}

/// Where a sample's token counts came from.
public enum TokensSource: String, Sendable, Equatable, Codable {
    /// The endpoint's usage report.
    case server
    /// Crest's estimate, because the endpoint reported none.
    case estimate
}

/// Which part of a level a request belongs to.
public enum Phase: String, Sendable, Equatable, Codable {
    /// Among the first completions of a level, which are dropped while the load settles.
    case warmup
    /// Sent inside the measured window: the requests every statistic is computed from.
    case measured
    /// Sent after the measured window closed, only to keep the load steady while measured requests finish.
    case cooldown
}
