import Crest

/// Renders a `SweepReport` as report.md, in the section order of the FMBench report users know.
public enum MarkdownRenderer {
    public static func render(_ report: SweepReport) -> String {
        var text = "# \(report.title)\n\n"
        text += "**Last modified (UTC): \(report.lastModified)**\n\n"
        text += "## Summary\n\n\(report.summary)\n\n"
        if !report.information.isEmpty {
            text += MarkdownTable(header: ["Information", "Value"], rows: report.information.map { [$0.field, $0.value] }).text + "\n"
        }
        text += "## Recommendation\n\n" + report.recommendation.map { "- \($0)\n" }.joined() + "\n"
        text += report.costSentence + "\n\n" + report.cost.text + "\n"
        text += "## Per instance results\n\n"
        text += ReportProse.perInstanceResults + "\n\n"
        text += report.perInstance.text + "\n"
        text += "## Results per concurrency level\n\n"
        text += "Throughput and end-to-end latency (seconds) of successful requests; ◀ marks the recommendation.\n\n"
        text += report.throughputTable.text + "\n"
        text += "Time to first token and time per output token (seconds), token throughput and requests in flight.\n\n"
        text += report.latencyTable.text + "\n"
        if let conversations = report.conversations {
            text += "## Conversations\n\n" + conversations.lines.map { $0 + "\n\n" }.joined() + conversations.table.text + "\n"
        }
        if !report.failures.isEmpty {
            text += "## Failures\n\n"
            text += "How the endpoint answered the first request of each failed kind, per level. A success needs the API's own response shape and at least one generated token.\n\n"
            text += report.failures.map { "- \($0)\n" }.joined() + "\n"
        }
        text += "## How the search went\n\n" + report.story.map { "- \($0)\n" }.joined() + "\n"
        text += report.steps.text + "\n"
        text += "## Method\n\n" + report.method.map { "- \($0)\n" }.joined()
        return text
    }
}
