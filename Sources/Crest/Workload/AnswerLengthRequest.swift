/// What a request asks of its answer's length besides the cap, from its dataset line's request
/// parameters (`Prompt.requestFields`): `ignore_eos` generates up to the cap, `min_tokens` at
/// least that many, as vLLM and SGLang honour them. The simulator honours them too, so a
/// dataset that fixes its answers' lengths loads it as it would load an engine.
public struct AnswerLengthRequest: Sendable, Equatable {
    public let ignoresEOS: Bool
    public let minTokens: Int?

    public init(_ fields: [String: String]) {
        ignoresEOS = fields["ignore_eos"] == "true"
        minTokens = fields["min_tokens"].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil }
    }

    /// The length of an answer the engine would end at `natural` tokens, under a cap of `cap`.
    public func length(natural: Int, cap: Int?) -> Int {
        let atLeast = max(natural, minTokens ?? 0)
        guard let cap else { return atLeast }
        return ignoresEOS ? cap : min(atLeast, cap)
    }

    /// The fewest tokens the request asks its answer to have under a cap of `cap`: the cap with
    /// `ignore_eos`, else `min_tokens` (at most the cap); nil when it asks for no length.
    public func asked(cap: Int?) -> Int? {
        if ignoresEOS { return cap }
        guard let minTokens else { return nil }
        return cap.map { min($0, minTokens) } ?? minTokens
    }
}
