/// A mistake on the command line. The message says what was wrong and what was expected.
struct UsageError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
