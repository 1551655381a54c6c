import Crest
import CrestAWS
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A live endpoint and how to talk to it: where, which API, which model, streaming or not, the
/// extra request fields, and the API key (held in memory only; never written anywhere).
public struct LiveEndpoint: Sendable {
    /// What carries the requests.
    public enum Route: String, Sendable {
        /// Crest's epoll HTTP/1.1 client, microseconds per request; `https://` through the
        /// system's OpenSSL 3, loaded at run time.
        case epoll
        /// Foundation's URLSession: the route for `https://` where OpenSSL 3 is missing, coarser
        /// and costlier (see `SessionClient`).
        case urlSession = "urlsession"
    }

    public let isSecure: Bool
    public let route: Route
    public let host: String
    public let port: Int
    /// The request path: the URL's own, or the API's default when the URL has none.
    public let path: String
    public let api: APIKind
    public let model: String
    public let streaming: Bool
    /// Fields merged into every request body, as JSON text per key.
    public let extraFields: [String: String]
    /// The endpoint's Prometheus page, read once a second during each level; nil to leave it alone.
    public let metricsPath: String?
    /// How an AWS endpoint's requests are authorised; nil for the others.
    public let aws: AWSAccess?
    /// Header fields sent with every request (SageMaker's inference component).
    public let extraHeaders: [(name: String, value: String)]
    /// A PEM file of the certificates an https endpoint's must chain to, instead of the system's.
    public let certificateBundle: String?
    private let apiKey: String?

    /// - Parameters:
    ///   - url: `http://host[:port][/path]` or `https://...`.
    ///   - route: what carries the requests; nil for the best there is (the epoll client, unless
    ///     the URL is https and OpenSSL 3 cannot be loaded: then URLSession).
    ///   - aws: for the AWS kinds, how requests are signed or authorised.
    ///   - certificateBundle: for https on the epoll route, the certificates to trust instead of the system's.
    public init(
        url: String, api: APIKind, model: String, streaming: Bool = true, extraFields: [String: String] = [:],
        apiKey: String? = nil, metricsPath: String? = "/metrics", route: Route? = nil, aws: AWSAccess? = nil,
        extraHeaders: [(name: String, value: String)] = [], certificateBundle: String? = nil
    ) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty else {
            throw LiveEndpointError.badURL(url, "expected http://HOST[:PORT][/PATH] or https://...")
        }
        guard scheme == "http" || scheme == "https" else { throw LiveEndpointError.badURL(url, "the scheme must be http or https") }
        if let port = components.port, !(1...65535).contains(port) {
            throw LiveEndpointError.badURL(url, "port \(port) is not a TCP port (1 to 65535)")
        }
        isSecure = scheme == "https"
        if isSecure && route == .epoll, let missing = TLSContext.unavailableReason {
            throw LiveEndpointError.badURL(url, "the epoll client speaks https through the system's OpenSSL 3, which is missing (\(missing)); --client urlsession takes https without it")
        }
        self.route = route ?? (isSecure && !TLSContext.isAvailable ? .urlSession : .epoll)
        if certificateBundle != nil && !(isSecure && self.route == .epoll) {
            throw LiveEndpointError.badURL(url, isSecure
                ? "a certificate bundle needs the epoll client's TLS: URLSession on Linux trusts the system's certificates only"
                : "a certificate bundle is for https URLs")
        }
        self.certificateBundle = certificateBundle
        self.host = host
        port = components.port ?? (isSecure ? 443 : 80)
        // The path as it goes on the wire: a model id's `%3A` stays encoded, and SigV4 signs it so.
        let given = components.percentEncodedPath
        path = given.isEmpty || given == "/" ? api.defaultPath(model: model, streaming: streaming) : given
        self.api = api
        self.model = model
        self.streaming = streaming
        self.extraFields = extraFields
        self.apiKey = apiKey
        self.metricsPath = metricsPath
        self.aws = aws
        self.extraHeaders = extraHeaders
    }

    /// The host and port as the Host header and reports show them.
    public var authority: String { port == (isSecure ? 443 : 80) ? host : "\(host):\(port)" }

    /// The URL without any secret, for run.json and reports.
    public var displayURL: String { "\(isSecure ? "https" : "http")://\(authority)\(path)" }

    /// The body of the request for `prompt`.
    func body(for prompt: Prompt, maxOutputTokens: Int?) throws -> [UInt8] {
        try api.body(
            for: prompt, model: model, streaming: streaming, maxOutputTokens: prompt.maxOutputTokens ?? maxOutputTokens,
            extraFields: try parsedExtraFields())
    }

    /// The request for `prompt` with all but what depends on the time of sending: SigV4 signs
    /// the time, so a signed request is completed as it is sent (`bytes(of:at:)`).
    func prepare(_ prompt: Prompt, maxOutputTokens: Int?) throws -> PreparedRequest {
        prepared(body: try body(for: prompt, maxOutputTokens: maxOutputTokens))
    }

    /// The request that sends `body`.
    func prepared(body: [UInt8]) -> PreparedRequest {
        let signable = signsEachRequest
            ? SigV4Request(method: "POST", path: path, host: authority, headers: fixedHeaders, body: body) : nil
        return PreparedRequest(body: body, signable: signable)
    }

    /// True when each request is signed as it is sent (SigV4), rather than built once.
    var signsEachRequest: Bool {
        if case .sigV4 = aws?.authorization { return true }
        return false
    }

    /// The header fields of every request, authorization aside.
    private var fixedHeaders: [(name: String, value: String)] {
        [(name: "Content-Type", value: "application/json"), (name: "Accept", value: api.accept(streaming: streaming))] + extraHeaders
    }

    /// The header fields of `prepared` sent at `unixSeconds`, authorization included.
    func headers(of prepared: PreparedRequest, at unixSeconds: Int64) -> [(name: String, value: String)] {
        var headers = fixedHeaders
        switch aws?.authorization {
        case .sigV4(let credentials):
            let signer = SigV4Signer(credentials: credentials, service: api.awsService ?? "bedrock", region: aws!.region)
            headers += signer.sign(prepared.signable!, at: AWSTimestamp(unixSeconds: unixSeconds)).headers
        case .bearer(let token):
            headers.append((name: "Authorization", value: "Bearer \(token)"))
        case nil:
            if let apiKey { headers.append((name: "Authorization", value: "Bearer \(apiKey)")) }
        }
        return headers
    }

    /// The complete bytes of `prepared` sent at `unixSeconds`: head and body, for the epoll client.
    func bytes(of prepared: PreparedRequest, at unixSeconds: Int64) -> [UInt8] {
        var head = "POST \(path) HTTP/1.1\r\nHost: \(authority)\r\n"
        for header in headers(of: prepared, at: unixSeconds) { head += "\(header.name): \(header.value)\r\n" }
        head += "Content-Length: \(prepared.body.count)\r\n\r\n"
        return Array(head.utf8) + prepared.body
    }

    /// `prepared` sent at `unixSeconds` as URLSession takes it.
    func urlRequest(of prepared: PreparedRequest, at unixSeconds: Int64) -> URLRequest {
        var request = URLRequest(url: URL(string: displayURL)!)
        request.httpMethod = "POST"
        request.httpBody = Data(prepared.body)
        for header in headers(of: prepared, at: unixSeconds) { request.setValue(header.value, forHTTPHeaderField: header.name) }
        return request
    }

    /// The complete bytes of the request for `prompt` sent now: head and body, for the epoll client.
    public func request(for prompt: Prompt, maxOutputTokens: Int?) throws -> [UInt8] {
        bytes(of: try prepare(prompt, maxOutputTokens: maxOutputTokens), at: Self.unixNow)
    }

    /// The request for `prompt` sent now, as URLSession takes it.
    func urlRequest(for prompt: Prompt, maxOutputTokens: Int?) throws -> URLRequest {
        urlRequest(of: try prepare(prompt, maxOutputTokens: maxOutputTokens), at: Self.unixNow)
    }

    /// The wall clock in whole seconds, as SigV4 signs it.
    static var unixNow: Int64 { Int64(Date().timeIntervalSince1970) }

    /// `text` with the API key taken out: an endpoint's error page may echo the request's headers,
    /// and what it says goes to reports and the console.
    func withoutSecrets(_ text: String) -> String {
        var secrets: [(value: String, label: String)] = []
        if let apiKey { secrets.append((apiKey, "[API key]")) }
        switch aws?.authorization {
        case .bearer(let token): secrets.append((token, "[API key]"))
        case .sigV4(let credentials):
            secrets.append((credentials.secretAccessKey, "[secret access key]"))
            if let token = credentials.sessionToken { secrets.append((token, "[session token]")) }
        case nil: break
        }
        return secrets.filter { !$0.value.isEmpty }.reduce(text) { $0.replacingOccurrences(of: $1.value, with: $1.label) }
    }

    private func parsedExtraFields() throws -> [String: Any] {
        try extraFields.mapValues { text in
            guard let value = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else {
                throw LiveEndpointError.badField(text)
            }
            return value
        }
    }
}

/// Why a live endpoint's settings cannot be used.
public enum LiveEndpointError: Error, Equatable, CustomStringConvertible {
    case badURL(String, String)
    case badField(String)

    public var description: String {
        switch self {
        case .badURL(let url, let reason): return "--url '\(url)': \(reason)"
        case .badField(let text): return "request field value '\(text)' is not JSON (quote strings: '\"text\"')"
        }
    }
}

extension LiveEndpoint: CustomStringConvertible {
    /// What printing an endpoint shows: never the API key.
    public var description: String {
        "\(api.rawValue) \(displayURL) model \(model)\(streaming ? "" : " (not streamed)") via \(route.rawValue)"
    }
}

/// A request built but for its signature: what `LiveEndpoint.prepare` gives.
struct PreparedRequest: Sendable {
    let body: [UInt8]
    /// What SigV4 signs, for a signed endpoint.
    let signable: SigV4Request?
}
