/// The first request of a level that ended a given way, as the endpoint answered it: what a user
/// needs to see to know why requests failed ("200 text/html: '<html>…'", "307 to https://…").
///
/// Kept for live endpoints only, one per failure outcome and level. The body is cut to a few
/// hundred characters, made printable, and has the API key taken out by the measurer before it gets
/// here: it goes to search.jsonl, reports and the console.
public struct FailureExample: Sendable, Equatable, Codable {
    public let outcome: Outcome
    /// The HTTP status, when a response head arrived.
    public let status: Int?
    /// The response's Content-Type, when it gave one.
    public let contentType: String?
    /// Where a redirect pointed (scheme, host and path; the query is dropped, as it may hold a token).
    public let location: String?
    /// Why Crest did not count the response as a success, when the status alone does not say.
    public let reason: String?
    /// The start of the body, printable.
    public let body: String?

    /// The longest body kept, in characters.
    public static let bodyLength = 300

    public init(outcome: Outcome, status: Int?, contentType: String?, location: String?, reason: String?, body: String?) {
        self.outcome = outcome
        self.status = status
        self.contentType = contentType
        self.location = location
        self.reason = reason
        self.body = body
    }

    /// "HTTP 200 text/html; the body is not an event stream; the body began `<html>…`": the body
    /// as a Markdown code span, so a report shows it as text, whatever it holds.
    public var summary: String {
        var parts: [String] = []
        if let status { parts.append("HTTP \(status)" + (contentType.map { " \($0)" } ?? "")) }
        if let location { parts.append("redirected to \(location)") }
        if let reason { parts.append(reason) }
        if let body {
            parts.append(body.isEmpty ? "the body was empty" : "the body began `\(body)`")
        } else if status != nil, reason == nil, location == nil {
            parts.append("no body")
        }
        return parts.isEmpty ? outcome.rawValue : parts.joined(separator: "; ")
    }

    /// `bytes` as text a report can show: UTF-8 with anything unprintable as a space, whitespace
    /// runs collapsed, backticks as quotes (it goes inside a code span), cut to `bodyLength`
    /// characters with an ellipsis.
    public static func printable(_ bytes: some Sequence<UInt8>) -> String {
        var text = ""
        var lastWasSpace = false
        for scalar in String(decoding: Array(bytes.prefix(4 * bodyLength)), as: UTF8.self).unicodeScalars {
            let isSpace = scalar.properties.isWhitespace || scalar.value < 32 || scalar.value == 127 || scalar == "\u{FFFD}"
            if isSpace {
                if !lastWasSpace && !text.isEmpty { text.unicodeScalars.append(" ") }
                lastWasSpace = true
            } else {
                text.unicodeScalars.append(scalar == "`" ? "'" : scalar)
                lastWasSpace = false
            }
            if text.count > bodyLength { return String(text.prefix(bodyLength)) + "…" }
        }
        return lastWasSpace && text.hasSuffix(" ") ? String(text.dropLast()) : text
    }

    enum CodingKeys: String, CodingKey {
        case outcome, status, location, reason, body
        case contentType = "content_type"
    }
}
