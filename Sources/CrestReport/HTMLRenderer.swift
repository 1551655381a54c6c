import Crest

/// Renders reports as HTML: one self-contained file (inline CSS and SVG, no script, nothing
/// fetched from the network) made from the report's own Markdown, so the words of a report are
/// written once, readable in any browser and printable.
public enum HTMLRenderer {
    /// report.html: report.md's sections as a page, with the plots after the recommendation.
    public static func render(_ report: SweepReport, plots: [(name: String, svg: String)]) -> String {
        document(markdown: MarkdownRenderer.render(report), plots: plots, title: report.title, plotsAfterSections: 2)
    }

    /// A page from Markdown as Crest's reports write it (headings, paragraphs, "- " lists, pipe
    /// tables, inline code and strong), with `plots` inline after the first `plotsAfterSections` sections.
    public static func document(markdown: String, plots: [(name: String, svg: String)], title: String, plotsAfterSections: Int = 1) -> String {
        var html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>\(escape(title))</title>\n<style>\(style)</style>\n</head>\n<body>\n"
        var lines = markdown.components(separatedBy: "\n")[...]
        var sections = 0
        while let line = lines.first {
            if line.hasPrefix("|") {
                let rows = lines.prefix { $0.hasPrefix("|") }
                lines = lines.dropFirst(rows.count)
                // Cells are split at " | " (a cell's own pipes are escaped, "\\|"); the rule row, "|---|---:|", at every pipe.
                let cells = rows.map { row in
                    row.dropFirst().dropLast().components(separatedBy: " | ").map {
                        $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\\|", with: "|")
                    }
                }
                let rule = rows.count > 1 ? rows[rows.startIndex + 1].split(separator: "|").map(String.init) : []
                var table = MarkdownTable(header: cells.first ?? [], rows: Array(cells.dropFirst(2)))
                table.rightAligned = Set(rule.indices.filter { rule[$0].hasSuffix(":") })
                html += Self.table(table)
                continue
            }
            if line.hasPrefix("- ") {
                let items = lines.prefix { $0.hasPrefix("- ") }
                lines = lines.dropFirst(items.count)
                html += list(items.map { String($0.dropFirst(2)) })
                continue
            }
            lines = lines.dropFirst()
            if line.hasPrefix("## ") {
                sections += 1
                if sections == plotsAfterSections + 1, !plots.isEmpty {
                    html += "<h2>Plots</h2>\n" + plots.map { "<figure class=\"plot\" id=\"\(escape($0.name))\">\(inlineSVG($0.svg))</figure>\n" }.joined()
                }
                html += "<h2>\(inline(String(line.dropFirst(3))))</h2>\n"
            } else if line.hasPrefix("# ") {
                html += "<h1>\(inline(String(line.dropFirst(2))))</h1>\n"
            } else if !line.isEmpty {
                html += "<p>\(inline(line))</p>\n"
            }
        }
        return html + "</body>\n</html>\n"
    }

    private static let style = """
        body{font-family:-apple-system,"DejaVu Sans",Helvetica,Arial,sans-serif;color:#222;max-width:1100px;margin:2em auto;padding:0 1em;line-height:1.45}
        h1{font-size:1.6em}h2{font-size:1.25em;border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.8em}
        table{border-collapse:collapse;margin:.8em 0;font-size:.9em}th,td{border:1px solid #ddd;padding:.3em .55em;vertical-align:top}
        th{background:#f5f5f5;text-align:left}td.number{text-align:right;font-variant-numeric:tabular-nums}
        code{background:#f3f3f3;padding:0 .2em;border-radius:3px;font-size:.95em}
        figure.plot{margin:1em 0;max-width:760px}figure.plot svg{width:100%;height:auto}
        @media print{body{margin:0;max-width:none}figure.plot,table{break-inside:avoid}}
        """

    private static func table(_ table: MarkdownTable) -> String {
        var html = "<table>\n<thead><tr>" + table.header.map { "<th>\(inline($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for row in table.rows {
            html += "<tr>" + row.enumerated().map { index, cell in
                table.rightAligned.contains(index) ? "<td class=\"number\">\(inline(cell))</td>" : "<td>\(inline(cell))</td>"
            }.joined() + "</tr>\n"
        }
        return html + "</tbody>\n</table>\n"
    }

    private static func list(_ items: [String]) -> String {
        "<ul>\n" + items.map { "<li>\(inline($0))</li>\n" }.joined() + "</ul>\n"
    }

    /// The SVG without its XML declaration, to sit inside the page.
    private static func inlineSVG(_ svg: String) -> String {
        guard svg.hasPrefix("<?xml"), let end = svg.firstIndex(of: "\n") else { return svg }
        return String(svg[svg.index(after: end)...])
    }

    /// Report text carries Markdown's inline marks: `code` and **strong**; everything else is escaped.
    static func inline(_ text: String) -> String {
        var html = ""
        var isCode = false
        var isStrong = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "`" {
                html += isCode ? "</code>" : "<code>"
                isCode.toggle()
            } else if character == "*", !isCode, text[index...].hasPrefix("**") {
                html += isStrong ? "</strong>" : "<strong>"
                isStrong.toggle()
                index = text.index(after: index)
            } else {
                html += escape(String(character))
            }
            index = text.index(after: index)
        }
        if isCode { html += "</code>" }
        if isStrong { html += "</strong>" }
        return html
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
