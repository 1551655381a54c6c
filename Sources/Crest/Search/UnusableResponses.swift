/// Most requests of a level ended without an answer to measure: malformed responses, empty
/// completions, redirects. The endpoint is not speaking the API Crest was told it speaks (a wrong
/// URL, path, `--api` or `--no-stream`), and no level of it can be judged: the search stops at the
/// first such level rather than measuring garbage at every level. The same holds when the endpoint
/// refused every request of a level (4xx, 429 aside): wrong credentials, region, model or
/// endpoint name, which no other level will change.
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
        let counts = OutcomeCounts(run.samples)
        let refusedAll = run.samples.count > 0 && counts.http4xx == run.samples.count
        let found = UnusableResponses(
            concurrency: run.level.concurrency, finished: run.samples.count, counts: counts,
            example: run.failureExamples.first { refusedAll ? $0.outcome == .http4xx : outcomes.contains($0.outcome) },
            errorNames: Dictionary(grouping: run.samples.compactMap(\.errorName), by: { $0 }).mapValues(\.count),
            pastContext: run.samples.count { $0.fault == .contextExceeded })
        return found.refusedAll || (found.unusable > 0 && 2 * found.unusable > found.finished) ? found : nil
    }

    /// Failures by the endpoint's own name for them (AWS's exceptions).
    public let errorNames: [String: Int]
    /// Refusals of a prompt longer than the endpoint's context (`context_exceeded`).
    public let pastContext: Int

    /// True when the endpoint refused every request that finished (4xx, 429 aside).
    public var refusedAll: Bool { finished > 0 && counts.http4xx == finished }

    public var unusable: Int { Self.outcomes.reduce(0) { $0 + counts[$1] } }

    /// What to tell the user: how many, which kinds, what the endpoint answered, what to check.
    public var description: String {
        if refusedAll && pastContext == finished {
            var text = "stopped at concurrency \(concurrency): the endpoint refused all \(finished) requests as longer than its context (context_exceeded)"
            if let example { text += ". Its first refusal: \(example.summary)" }
            return text + ". Every prompt sent was too long for it: choose a dataset of shorter prompts (a smaller bin), or a lower --max-tokens."
        }
        if refusedAll {
            let names = errorNames.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            var text = "stopped at concurrency \(concurrency): the endpoint refused all \(finished) requests (http_4xx\(names.isEmpty ? "" : ": \(names)"))"
            if let example { text += ". Its first refusal: \(example.summary)" }
            return text + ". No other level will change that: check the credentials, --region, --model (or --endpoint), --url and the API key."
        }
        let kinds = Outcome.allCases.filter { Self.outcomes.contains($0) && counts[$0] > 0 }.map { "\(counts[$0]) \($0.rawValue)" }
        var text = "stopped at concurrency \(concurrency): \(unusable) of \(finished) responses carried no answer to measure (\(kinds.joined(separator: ", ")))"
        if let example { text += ". The endpoint's first such response: \(example.summary)" }
        text += ". A success needs the API's own response shape and at least one generated token; check --url (and its path), --api"
        text += counts.http3xx > 0 ? ", and point --url at the address a redirect names." : ", --model and --no-stream."
        return text
    }
}
