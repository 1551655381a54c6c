/// What can be wrong with a dataset; every case names the file and, where there is one, the line.
public enum WorkloadError: Error, Equatable, Sendable {
    case unreadable(file: String, reason: String)
    case empty(file: String)
    case notJSON(file: String, line: Int)
    /// A JSON array of conversations (ShareGPT) that cannot be split into them at `line`.
    case malformedArray(file: String, line: Int, reason: String)
    case missingField(file: String, line: Int, field: String, expected: String)
    case wrongType(file: String, line: Int, field: String, expected: String)
    case unknownBin(name: String, searched: [String])
    case unwritable(path: String, reason: String)
}

extension WorkloadError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            return "\(file): cannot read the dataset: \(reason)"
        case .empty(let file):
            return "\(file): the dataset holds no prompts"
        case .notJSON(let file, let line):
            return "\(file):\(line): expected one JSON object on this line"
        case .malformedArray(let file, let line, let reason):
            return "\(file):\(line): \(reason)"
        case .missingField(let file, let line, let field, let expected):
            return "\(file):\(line): missing field '\(field)': expected \(expected)"
        case .wrongType(let file, let line, let field, let expected):
            return "\(file):\(line): field '\(field)': expected \(expected)"
        case .unknownBin(let name, let searched):
            return "dataset '\(name)': no such file or bin (looked for \(searched.joined(separator: ", ")))"
        case .unwritable(let path, let reason):
            return "\(path): cannot write: \(reason)"
        }
    }
}
