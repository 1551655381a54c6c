/// A Markdown table: a header row and body rows of cells.
public struct MarkdownTable: Sendable {
    public let header: [String]
    public let rows: [[String]]
    /// Columns to right-align (numbers).
    public var rightAligned: Set<Int> = []

    public var text: String {
        func line(_ cells: [String]) -> String {
            "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n"
        }
        let rule = "|" + header.indices.map { rightAligned.contains($0) ? "---:|" : "---|" }.joined() + "\n"
        return line(header) + rule + rows.map(line).joined()
    }
}
