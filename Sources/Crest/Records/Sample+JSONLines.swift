import Foundation

extension Sample {
    /// The sample as one line of `samples.jsonl`, keys in a fixed order, newline included.
    ///
    /// Written by hand rather than with `JSONEncoder`: a sweep writes one line per request, and a
    /// fixed key order keeps the file byte-identical for a seed.
    ///
    /// The search step (the measurement) that sent the request comes first: a search may measure a
    /// level more than once, and the step tells its runs apart. Reading a line ignores it.
    public func jsonLine(step: Int) -> String {
        var line = "{\"step\":\(step),\"level\":\(level),\"client\":\(client),\"seq\":\(seq),\"prompt_index\":\(promptIndex)"
        line += ",\"sent_ns\":\(sentAt),\"first_token_ns\":\(firstTokenAt.map(String.init) ?? "null")"
        line += ",\"finished_ns\":\(finishedAt),\"prompt_tokens\":\(promptTokens)"
        line += ",\"completion_tokens\":\(completionTokens),\"tokens_source\":\"\(tokensSource.rawValue)\""
        line += ",\"outcome\":\"\(outcome.rawValue)\",\"phase\":\"\(phase.rawValue)\""
        if let sendLag { line += ",\"send_lag_ns\":\(sendLag)" }
        if let interTokenGaps { line += ",\"itl_ns\":[" + interTokenGaps.map(String.init).joined(separator: ",") + "]" }
        if let errorName { line += ",\"error_name\":\"\(errorName)\"" }
        if let fault { line += ",\"fault\":\"\(fault.rawValue)\"" }
        if let retryAfter { line += ",\"retry_after_ns\":\(retryAfter)" }
        if let cachedTokens { line += ",\"cached_tokens\":\(cachedTokens)" }
        if let askedTokens { line += ",\"asked_tokens\":\(askedTokens)" }
        if let turn { line += ",\"turn\":\(turn)" }
        if let reasoningTokens { line += ",\"reasoning_tokens\":\(reasoningTokens),\"first_answer_ns\":\(firstAnswerAt.map(String.init) ?? "null")" }
        line += "}\n"
        return line
    }

    /// Reads one line of `samples.jsonl`.
    public init(jsonLine: some StringProtocol) throws {
        var text = String(jsonLine)
        self = try text.withUTF8 { try SampleLineParser.parse($0).sample }
    }
}
