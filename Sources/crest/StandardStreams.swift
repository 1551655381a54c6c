import Foundation

/// Unbuffered writes to stdout and stderr. `print` is block-buffered when stdout is not a terminal,
/// which interleaves badly with stderr; these write whole strings straight to the descriptors.
enum StandardOutput {
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

enum StandardError {
    static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
