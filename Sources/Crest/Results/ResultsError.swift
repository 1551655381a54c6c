import Foundation

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

extension ResultsError {
    /// Why a write failed, in the system's words where it gives them ("Permission denied", "No
    /// space left on device", "Read-only file system"): Foundation's own sentence for these ("The
    /// operation could not be completed") does not tell a user what to fix.
    static func reason(of error: Error) -> String {
        let error = error as NSError
        for candidate in [error, error.userInfo[NSUnderlyingErrorKey] as? NSError].compactMap({ $0 }) where candidate.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(candidate.code)))
        }
        guard error.domain == NSCocoaErrorDomain else { return error.localizedDescription }
        switch error.code {
        case NSFileWriteNoPermissionError: return String(cString: strerror(EACCES))
        case NSFileWriteOutOfSpaceError: return String(cString: strerror(ENOSPC))
        case NSFileWriteVolumeReadOnlyError: return String(cString: strerror(EROFS))
        default: return error.localizedDescription
        }
    }
}
