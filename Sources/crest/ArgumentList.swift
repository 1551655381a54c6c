/// The arguments of one command, consumed option by option. Accepts `--name value` and
/// `--name=value`; anything left over at the end is an error that names it and suggests the
/// closest known option.
struct ArgumentList {
    private var arguments: [String]
    private var known: [String] = ["--help"]

    init(_ arguments: [String]) {
        self.arguments = arguments
    }

    /// True when the user asked for help.
    var wantsHelp: Bool { arguments.contains("--help") || arguments.contains("-h") }

    /// The value of a single-valued option, if given.
    /// - Throws: `UsageError` when the value is missing or the option is repeated.
    mutating func value(_ name: String) throws -> String? {
        let values = try self.values(name)
        guard values.count <= 1 else { throw UsageError("\(name) was given \(values.count) times; give it once") }
        return values.first
    }

    /// Every value of a repeatable option, in order.
    mutating func values(_ name: String) throws -> [String] {
        known.append(name)
        var found: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == name {
                guard index + 1 < arguments.count, !arguments[index + 1].hasPrefix("--") else {
                    throw UsageError("\(name) needs a value")
                }
                found.append(arguments[index + 1])
                arguments.removeSubrange(index...(index + 1))
            } else if argument.hasPrefix(name + "=") {
                found.append(String(argument.dropFirst(name.count + 1)))
                arguments.remove(at: index)
            } else {
                index += 1
            }
        }
        return found
    }

    /// True when `name` is among the arguments left, as `--name value` or `--name=value`.
    func contains(_ name: String) -> Bool {
        arguments.contains { $0 == name || $0.hasPrefix(name + "=") }
    }

    /// True when the flag is present.
    mutating func flag(_ name: String) -> Bool {
        known.append(name)
        let present = arguments.contains(name)
        arguments.removeAll { $0 == name }
        return present
    }

    /// The one results folder a command takes as its argument.
    /// - Throws: `UsageError` naming what is missing or extra.
    mutating func resultsFolder(command: String) throws -> String {
        let positionals = positionals()
        guard positionals.count == 1 else {
            throw UsageError(positionals.isEmpty ? "name the results folder, e.g. crest \(command) results/example" : "give one results folder, not \(positionals.count)")
        }
        return positionals[0]
    }

    /// The arguments that are not options, in order.
    mutating func positionals() -> [String] {
        let found = arguments.filter { !$0.hasPrefix("-") }
        arguments.removeAll { !$0.hasPrefix("-") }
        return found
    }

    /// Ends parsing: any argument not consumed is an error.
    func finish(command: String) throws {
        guard let unknown = arguments.first else { return }
        let name = String(unknown.split(separator: "=").first ?? Substring(unknown))
        var message = "unknown option '\(name)' for crest \(command)"
        if let suggestion = known.min(by: { editDistance($0, name) < editDistance($1, name) }), editDistance(suggestion, name) <= 3 {
            message += "; did you mean '\(suggestion)'?"
        }
        throw UsageError(message + " (crest \(command) --help lists the options)")
    }
}

/// Levenshtein distance, for "did you mean" suggestions.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    var previous = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...max(b.count, 1) where !b.isEmpty {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return a.isEmpty ? b.count : previous[b.count]
}
