import Foundation

/// Why a list of levels could not be read.
public enum LevelListError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(list: String, item: String)
    case tooLarge(list: String, item: String)
    case empty

    public var description: String {
        switch self {
        case .malformed(let list, _), .tooLarge(let list, _): return "levels '\(list)': \(detail)"
        case .empty: return "levels: \(detail)"
        }
    }

    /// What is wrong and what was expected, without the list given.
    public var detail: String {
        switch self {
        case .malformed(_, let item): return "'\(item)' is not a whole number above zero; expected a list such as 1,2,4,8"
        case .tooLarge(_, let item): return "'\(item)' is more clients than a level may have (at most \(Level.maximumConcurrency))"
        case .empty: return "the list is empty; expected a list such as 1,2,4,8"
        }
    }
}

extension Level {
    /// Parses "1,2,4,8" into levels, sorted and without repeats.
    public static func parseList(_ text: String) throws -> [Level] {
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !(items.count == 1 && items[0].isEmpty) else { throw LevelListError.empty }
        var values = Set<Int>()
        for item in items {
            guard !item.isEmpty, item.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw LevelListError.malformed(list: text, item: item) }
            guard let value = Int(item), value <= Level.maximumConcurrency else { throw LevelListError.tooLarge(list: text, item: item) }
            guard value > 0 else { throw LevelListError.malformed(list: text, item: item) }
            values.insert(value)
        }
        return values.sorted().map(Level.init(concurrency:))
    }
}
