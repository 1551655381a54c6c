import Crest

/// The one-screen summary `crest sweep` prints when it finishes.
public enum ConsoleSummary {
    public static func render(_ input: SweepReportInput, resultsFolder: String) -> String {
        var text = "\(input.manifest.target.name) · \(input.manifest.dataset.name) · budget \(input.budget)\n\n"
        // A reasoning model's first token says little: when answers reasoned, the first answer token's time is shown too.
        let reasoned = input.levels.contains { $0.summary.ttfa != nil }
        let header = ["concurrency", "requests", "trans/min", "e2e mean", "e2e p95", "ttft p95"] + (reasoned ? ["ttfa p95"] : []) + ["tpot p95", "errors", "verdict"]
        var rows = [header]
        for level in input.levels {
            let s = level.summary
            let chosen = input.recommendation?.concurrency == level.concurrency
            rows.append([
                (chosen ? "▶ " : "") + "\(s.concurrency)", "\(s.requests)", Format.rate(s.transactionsPerMinute.value),
                Format.seconds(s.latency?.mean) + " s", Format.seconds(s.latency?.p95) + " s", Format.seconds(s.ttft?.p95) + " s",
            ] + (reasoned ? [Format.seconds(s.ttfa?.p95) + " s"] : []) + [
                Format.seconds(s.tpot?.p95) + " s", Format.percent(s.errorRate.value), level.verdict.labelWithCertainty,
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max()! }
        for row in rows {
            text += "  " + row.indices.map { column in
                let padding = String(repeating: " ", count: widths[column] - row[column].count)
                return column == row.count - 1 ? row[column] : padding + row[column]
            }.joined(separator: "  ") + "\n"
        }
        text += "\n"
        if let chosen = input.recommendation {
            text += (chosen.isFeasible ? "Recommendation: " : "No recommendation: ") + chosen.explanation + "\n"
            if chosen.isFeasible, let price = input.pricing?.pricePerTransaction(chosen.level.summary) {
                text += "Price per transaction: $\(NumberFormatting.significant(price, digits: 4)) at \(input.pricing!.summary).\n"
            }
        }
        text += SearchStory.lines(input).first.map { "Search: \($0)\n" } ?? ""
        text += LoadGeneratorCheck.sentence(input.levels).map { $0 + "\n" } ?? ""
        text += PromptsPastContext.sentence(input.levels).map { $0 + "\n" } ?? ""
        text += AnswerLengthCheck.sentence(input.levels).map { $0 + "\n" } ?? ""
        text += input.manifest.promptTokensCheck.map { "Prompt lengths: \($0.sentence).\n" } ?? ""
        text += "Results: \(resultsFolder)/ (report.md, report.html, plots/, levels.csv, samples.jsonl, search.jsonl, recommendation.json, run.json)\n"
        return text
    }
}
