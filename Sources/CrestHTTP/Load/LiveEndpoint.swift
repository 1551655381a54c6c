import Crest
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A live endpoint and how to talk to it: where, which API, which model, streaming or not, the
/// extra request fields, and the API key (held in memory only; never written anywhere).
public struct LiveEndpoint: Sendable {
    /// What carries the requests.
    public enum Route: String, Sendable {
        /// Crest's epoll HTTP/1.1 client: `http://` only, microseconds per request.
        case epoll
        /// Foundation's URLSession: the route for `https://`, coarser and costlier (see `SessionClient`).
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
    private let apiKey: String?

    /// - Parameters:
    ///   - url: `http://host[:port][/path]` or `https://...`.
    ///   - route: what carries the requests; nil for the best the scheme allows (epoll for http,
    ///     URLSession for https).
    public init(
        url: String, api: APIKind, model: String, streaming: Bool = true, extraFields: [String: String] = [:],
        apiKey: String? = nil, metricsPath: String? = "/metrics", route: Route? = nil
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
        if isSecure && route == .epoll {
            throw LiveEndpointError.badURL(url, "the epoll client speaks plain http only; https goes through URLSession")
        }
        self.route = route ?? (isSecure ? .urlSession : .epoll)
        self.host = host
        port = components.port ?? (isSecure ? 443 : 80)
        path = components.path.isEmpty || components.path == "/" ? api.defaultPath(streaming: streaming) : components.path
        self.api = api
        self.model = model
        self.streaming = streaming
        self.extraFields = extraFields
        self.apiKey = apiKey
        self.metricsPath = metricsPath
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

    /// The complete bytes of the request for `prompt`: head and body, for the epoll client.
    public func request(for prompt: Prompt, maxOutputTokens: Int?) throws -> [UInt8] {
        let body = try body(for: prompt, maxOutputTokens: maxOutputTokens)
        var head = "POST \(path) HTTP/1.1\r\nHost: \(authority)\r\nContent-Type: application/json\r\n"
        head += "Accept: \(streaming ? "text/event-stream" : "application/json")\r\nContent-Length: \(body.count)\r\n"
        if let apiKey { head += "Authorization: Bearer \(apiKey)\r\n" }
        head += "\r\n"
        return Array(head.utf8) + body
    }

    /// The request for `prompt` as URLSession takes it.
    func urlRequest(for prompt: Prompt, maxOutputTokens: Int?) throws -> URLRequest {
        var request = URLRequest(url: URL(string: displayURL)!)
        request.httpMethod = "POST"
        request.httpBody = Data(try body(for: prompt, maxOutputTokens: maxOutputTokens))
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(streaming ? "text/event-stream" : "application/json", forHTTPHeaderField: "Accept")
        if let apiKey { request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization") }
        return request
    }

    /// `text` with the API key taken out: an endpoint's error page may echo the request's headers,
    /// and what it says goes to reports and the console.
    func withoutSecrets(_ text: String) -> String {
        guard let apiKey, !apiKey.isEmpty else { return text }
        return text.replacingOccurrences(of: apiKey, with: "[API key]")
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
