/// The shared credentials and config files of the AWS tools (`~/.aws/credentials`,
/// `~/.aws/config`): INI sections of `key = value` lines. The credentials file names a profile
/// `[name]`, the config file `[profile name]` (and `[default]`); comments start with `#` or `;`;
/// indented lines continue a nested setting, which Crest does not read.
public struct AWSSharedFile: Sendable, Equatable {
    public enum Kind: Sendable { case credentials, config }

    /// A line that is neither a section, a setting, a comment nor a continuation.
    public struct SyntaxError: Error, Equatable, CustomStringConvertible {
        public let path: String
        public let line: Int
        public let text: String

        public var description: String { "\(path):\(line): not a [section] or key = value line: \(text)" }
    }

    /// Settings by profile name, keys lower-cased.
    public let profiles: [String: [String: String]]

    public init(parsing text: String, kind: Kind, path: String) throws(SyntaxError) {
        var profiles: [String: [String: String]] = [:]
        var current: String?
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let trimmed = line.trimmingWhitespace()
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            // A nested setting's lines (`s3 =` then indented `key = value`) belong to it, not to the profile.
            if line.first == " " || line.first == "\t" { continue }
            if trimmed.hasPrefix("[") {
                guard trimmed.hasSuffix("]") else { throw SyntaxError(path: path, line: index + 1, text: String(trimmed)) }
                let name = String(trimmed.dropFirst().dropLast()).trimmingWhitespace()
                switch kind {
                case .credentials: current = name
                case .config:
                    // `[profile name]`, or `[default]`; other sections (`[sso-session x]`, `[services x]`) hold no profile.
                    if name == "default" {
                        current = name
                    } else if name.hasPrefix("profile ") {
                        current = String(name.dropFirst("profile ".count)).trimmingWhitespace()
                    } else {
                        current = nil
                    }
                }
                if let current, profiles[current] == nil { profiles[current] = [:] }
                continue
            }
            guard let equals = trimmed.firstIndex(of: "=") else { throw SyntaxError(path: path, line: index + 1, text: String(trimmed)) }
            guard let profile = current else { continue }
            let key = trimmed[..<equals].trimmingWhitespace().lowercased()
            profiles[profile]?[key] = trimmed[trimmed.index(after: equals)...].trimmingWhitespace()
        }
        self.profiles = profiles
    }
}

extension StringProtocol {
    fileprivate func trimmingWhitespace() -> String {
        let characters = Array(self)
        guard let first = characters.firstIndex(where: { !$0.isWhitespace }), let last = characters.lastIndex(where: { !$0.isWhitespace }) else {
            return ""
        }
        return String(characters[first...last])
    }
}
