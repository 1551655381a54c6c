/// What exactly went wrong with a failed request, where its outcome alone does not say: the
/// outcome's finer category. A timeout is a connect timeout, a first-token timeout, a stalled
/// stream or the whole request's; a transport failure is a refused connection, a name that did not
/// resolve, TLS, a reset or an early close; a malformed answer is bad HTTP, bad JSON, a bad event
/// stream, an oversized event or a response past the client's size limit; a 2xx carrying an error
/// event is the endpoint's error; a refusal is a prompt too long for the model's context. Other
/// HTTP statuses and empty completions need no finer name: for them the outcome is the category.
///
/// Each fault belongs to exactly one outcome, so levels.csv's `errors_<outcome>` columns stay the
/// sums of their `errors_<fault>` columns.
public enum Fault: String, Sendable, Equatable, Codable, CaseIterable {
    /// Nothing listened at the address (ECONNREFUSED).
    case connectionRefused = "connection_refused"
    /// The connection could not be opened for another reason (network or host unreachable).
    case connectFailed = "connect_failed"
    /// The host name did not resolve.
    case dnsFailure = "dns_failure"
    /// The TLS handshake failed, or the endpoint's certificate was rejected.
    case tlsFailure = "tls_failure"
    /// The connection was reset (or broke) while the request was on it.
    case connectionReset = "connection_reset"
    /// The endpoint closed the connection before the response ended.
    case connectionClosed = "connection_closed"
    /// The connection did not open within the connect timeout.
    case connectTimeout = "connect_timeout"
    /// No token within the first-token timeout.
    case firstTokenTimeout = "first_token_timeout"
    /// A stream that had begun sent nothing for the stall timeout, and did not close.
    case streamStalled = "stream_stalled"
    /// No complete response within the request timeout.
    case requestTimeout = "request_timeout"
    /// The response was not HTTP/1.1 as it should be (status line, headers, framing).
    case malformedHTTP = "malformed_http"
    /// An answer or event whose data is not JSON, or not the API's JSON.
    case malformedJSON = "malformed_json"
    /// A body that is not a well-formed event stream: stray lines, an event cut short, no event
    /// with data, AWS frames that do not decode.
    case malformedEventStream = "malformed_sse"
    /// One server-sent event (a `data:` line) past the client's event limit.
    case oversizedEvent = "oversized_event"
    /// A response past the client's limit on bytes, on an answer's body or on token events.
    case responseTooLarge = "response_too_large"
    /// A 2xx response that carried the endpoint's own error: an error event in the stream, an
    /// error object as the answer, an AWS exception frame.
    case errorEvent = "error_event"
    /// The endpoint refused the request as longer than the model's context (prompt plus output
    /// cap), in its own words (a 400 or TGI's 422; an error event). The prompt fails at every
    /// concurrency: the workload's fault, which the report counts by prompt.
    case contextExceeded = "context_exceeded"

    /// The outcome this fault is a case of.
    public var outcome: Outcome {
        switch self {
        case .connectionRefused, .connectFailed, .dnsFailure, .tlsFailure, .connectionReset, .connectionClosed: return .transport
        case .connectTimeout, .firstTokenTimeout, .streamStalled, .requestTimeout: return .timeout
        case .malformedHTTP, .malformedJSON, .malformedEventStream, .oversizedEvent, .responseTooLarge: return .malformed
        // An error in a 2xx body is the endpoint failing, like a 5xx (a throttling exception, like a 429).
        case .errorEvent: return .http5xx
        case .contextExceeded: return .http4xx
        }
    }
}
