/// How a request ended. Every failure is counted in its own category.
public enum Outcome: String, Sendable, Equatable, Codable, CaseIterable {
    /// An answer in the API's own shape with at least one generated token (or a usage block that
    /// counts some): the only success.
    case ok
    /// A redirect. Crest follows none: the API key would go to a host the user did not name, and
    /// the host answering would not be the one under test. The report names the Location.
    case http3xx = "http_3xx"
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
    /// A 2xx response that is not the API's answer: not an event stream (or not JSON when not
    /// streamed), events whose data is not JSON, an HTML page, an empty body; or a response past
    /// one of the client's hard limits (bytes, event size, token events), cut off.
    case malformed
    /// A well-formed answer that carried no generated token (and no usage block counting any).
    /// Counted apart from `malformed`: the endpoint spoke the API but generated nothing.
    case emptyCompletion = "empty_completion"

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
