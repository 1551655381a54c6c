/// Most requests of a level ended without an answer to measure: malformed responses, empty
/// completions, redirects. The endpoint is not speaking the API Crest was told it speaks (a wrong
/// URL, path, `--api` or `--no-stream`), and no level of it can be judged: the search stops at the
/// first such level rather than measuring garbage at every level.
public struct UnusableResponses: Error, Sendable, Equatable, CustomStringConvertible {
    /// The outcomes that carry no answer.
    public static let outcomes: Set<Outcome> = [.malformed, .emptyCompletion, .http3xx]

    public let concurrency: Int
    /// Requests that finished during the level, and how many of them carried no answer.
    public let finished: Int
    public let counts: OutcomeCounts
    /// How the endpoint answered the first of them.
    public let example: FailureExample?

    /// The reason to stop after `run`, if most of its finished requests carried no answer.
    public static func check(_ run: LevelRun) -> UnusableResponses? {
        let found = UnusableResponses(
            concurrency: run.level.concurrency, finished: run.samples.count, counts: OutcomeCounts(run.samples),
            example: run.failureExamples.first { outcomes.contains($0.outcome) })
        return found.unusable > 0 && 2 * found.unusable > found.finished ? found : nil
    }

    public var unusable: Int { Self.outcomes.reduce(0) { $0 + counts[$1] } }

    /// What to tell the user: how many, which kinds, what the endpoint answered, what to check.
    public var description: String {
        let kinds = Outcome.allCases.filter { Self.outcomes.contains($0) && counts[$0] > 0 }.map { "\(counts[$0]) \($0.rawValue)" }
        var text = "stopped at concurrency \(concurrency): \(unusable) of \(finished) responses carried no answer to measure (\(kinds.joined(separator: ", ")))"
        if let example { text += ". The endpoint's first such response: \(example.summary)" }
        text += ". A success needs the API's own response shape and at least one generated token; check --url (and its path), --api"
        text += counts.http3xx > 0 ? ", and point --url at the address a redirect names." : ", --model and --no-stream."
        return text
    }
}
