import Crest

/// One sentence on whether the endpoint gave answers the lengths the requests asked for
/// (`min_tokens`, `ignore_eos`: `--min-output-tokens` or a dataset line's own), across a sweep; nil
/// when no request asked. An endpoint that ignores them answers at the model's own lengths, and
/// the load is then not the one the dataset describes.
enum AnswerLengthCheck {
    /// The share of answers at their asked length above which the endpoint is taken to honour it
    /// (an answer may still end early at the context window).
    private static let honoured = 0.95

    static func sentence(_ levels: [LevelResult]) -> String? {
        let asked = levels.reduce(0) { $0 + $1.summary.answersAskedLength }
        guard asked > 0 else { return nil }
        let reached = levels.reduce(0) { $0 + $1.summary.answersAtAskedLength }
        let share = Double(reached) / Double(asked)
        let counted = "\(reached) of \(asked) measured answers (\(Format.percent(share))) reached the length their request asked for (min_tokens, ignore_eos)"
        if share >= honoured { return "Answer lengths: \(counted): the endpoint honoured it." }
        return "Answer lengths: only \(counted): the endpoint does not honour them, so answers ran to the model's own lengths and the load is lighter than the dataset describes."
    }
}
