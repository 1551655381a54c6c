/// Words of a command Crest prints for the user to paste into a shell: a model or dataset name
/// comes from the results folder, where anything may have been written, so each word is quoted
/// for POSIX shells unless it holds only characters no shell treats specially.
enum ShellWord {
    private static let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./_-")

    /// `word` as a shell reads back exactly: as it is when plain, else in single quotes, with each
    /// single quote written as '\''.
    static func quoted(_ word: String) -> String {
        guard word.isEmpty || !word.allSatisfy(plain.contains) else { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The words quoted and joined by spaces.
    static func command(_ words: [String]) -> String { words.map(quoted).joined(separator: " ") }
}
