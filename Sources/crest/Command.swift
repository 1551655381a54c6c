/// A subcommand of `crest`: its help text, its options parsed from the arguments, and its run.
/// Commands only parse and wire; the work happens in the libraries.
protocol Command {
    static var name: String { get }
    /// One line for `crest --help`.
    static var summary: String { get }
    /// The full `--help` text.
    static var usage: String { get }

    /// Parses the arguments after the command's name.
    /// - Throws: `UsageError` for anything malformed.
    init(arguments: ArgumentList) throws

    func run() async throws -> ExitCode
}
