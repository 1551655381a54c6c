/// A resumed sweep asked for another measurement than the stored one at the same step: the folder
/// was written by another Crest, or by another plan, and cannot be continued faithfully.
public struct ReplayDivergence: Error, Equatable, CustomStringConvertible {
    public let step: Int
    public let stored: String
    public let asked: String

    public var description: String {
        "step \(step) of the stored search measured \(stored), where this search asks for \(asked): the folder cannot be continued (written by another version of Crest, or edited)"
    }
}
