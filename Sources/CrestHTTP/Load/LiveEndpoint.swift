import Crest
import Foundation

/// A live endpoint and how to talk to it: where, which API, which model, streaming or not, the
/// extra request fields, and the API key (held in memory only; never written anywhere).
public struct LiveEndpoint: Sendable {
    public let host: String
    public let port: Int
    /// The request path: the URL's own, or the API's default when the URL has none.
    public let path: String
    public let api: APIKind
    public let model: String
    public let streaming: Bool
    /// Fields merged into every request body, as JSON text per key.
    public let extraFields: [String: String]
    private let apiKey: String?

    /// - Parameter url: `http://host[:port][/path]`.
    public init(
        url: String, api: APIKind, model: String, streaming: Bool = true, extraFields: [String: String] = [:],
        apiKey: String? = nil
    ) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty else {
            throw LiveEndpointError.badURL(url, "expected http://HOST[:PORT][/PATH]")
        }
        guard scheme == "http" else {
            throw LiveEndpointError.badURL(
                url, scheme == "https" ? "https is not supported yet; put a local TLS-terminating proxy in front, or use http" : "the scheme must be http")
        }
        self.host = host
        port = components.port ?? 80
        path = components.path.isEmpty || components.path == "/" ? api.defaultPath(streaming: streaming) : components.path
        self.api = api
        self.model = model
        self.streaming = streaming
        self.extraFields = extraFields
        self.apiKey = apiKey
    }

    /// The host and port as the Host header and reports show them.
    public var authority: String { port == 80 ? host : "\(host):\(port)" }

    /// The URL without any secret, for run.json and reports.
    public var displayURL: String { "http://\(authority)\(path)" }

    /// The complete bytes of the request for `prompt`: head and body.
    public func request(for prompt: Prompt, maxOutputTokens: Int?) throws -> [UInt8] {
        let extra = try parsedExtraFields()
        let body = try api.body(
            for: prompt, model: model, streaming: streaming, maxOutputTokens: prompt.maxOutputTokens ?? maxOutputTokens,
            extraFields: extra)
        var head = "POST \(path) HTTP/1.1\r\nHost: \(authority)\r\nContent-Type: application/json\r\n"
        head += "Accept: \(streaming ? "text/event-stream" : "application/json")\r\nContent-Length: \(body.count)\r\n"
        if let apiKey { head += "Authorization: Bearer \(apiKey)\r\n" }
        head += "\r\n"
        return Array(head.utf8) + body
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
    public var description: String { "\(api.rawValue) \(displayURL) model \(model)\(streaming ? "" : " (not streamed)")" }
}
