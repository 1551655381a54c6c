/// Why results could not be written.
public enum ResultsError: Error, Equatable, Sendable {
    /// The folder already holds files; Crest never writes over an earlier run.
    case occupied(path: String)
    case unwritable(path: String, reason: String)
    /// A results file that cannot be read back: missing, or a line that is not what Crest writes.
    case unreadable(path: String, line: Int?, reason: String)
}

extension ResultsError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .occupied(let path):
            return "\(path): the folder already holds files; choose another --out (Crest never writes over an earlier run)"
        case .unwritable(let path, let reason):
            return "\(path): cannot write results: \(reason)"
        case .unreadable(let path, let line, let reason):
            return "\(path)\(line.map { ":\($0)" } ?? ""): \(reason)"
        }
    }
}
