/// One closed-loop client of the load generator, whatever carries its requests: the epoll client
/// (plain or TLS), or URLSession where OpenSSL 3 is missing. Everything is called on the event loop's thread.
protocol GeneratorClient: AnyObject {
    var index: Int { get }
    /// The request on the wire, if any.
    var request: RequestInFlight? { get }
    /// A pause before the next request (after a 429 or a refused connection).
    var pauseTimer: Int? { get set }
    /// Sends `request` (its prompt's bytes come from the generator).
    func send(_ request: RequestInFlight)
    /// One of the request's timeouts expired: abandon it and report it as timed out then.
    func timedOut(_ expiry: RequestExpiry)
    /// Abandons any request and closes the connection (the end of a sweep).
    func close()
}

extension GeneratorClient {
    var isBusy: Bool { request != nil || pauseTimer != nil }
}
