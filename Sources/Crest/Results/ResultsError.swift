/// Why results could not be written.
public enum ResultsError: Error, Equatable, Sendable {
    /// The folder already holds files; Crest never writes over an earlier run.
    case occupied(path: String)
    case unwritable(path: String, reason: String)
}

extension ResultsError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .occupied(let path):
            return "\(path): the folder already holds files; choose another --out (Crest never writes over an earlier run)"
        case .unwritable(let path, let reason):
            return "\(path): cannot write results: \(reason)"
        }
    }
}
