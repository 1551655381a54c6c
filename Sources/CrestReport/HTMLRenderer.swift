import Crest

/// Renders a `SweepReport` and its plots as report.html: one self-contained file (inline CSS and
/// SVG, no script, nothing fetched from the network) with the sections of report.md, readable in
/// any browser and printable.
public enum HTMLRenderer {
    public static func render(_ report: SweepReport, plots: [(name: String, svg: String)]) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(report.title))</title>
            <style>\(style)</style>
            </head>
            <body>
            <h1>\(escape(report.title))</h1>
            <p class="modified"><strong>Last modified (UTC): \(escape(report.lastModified))</strong></p>
            <h2>Summary</h2>
            <p>\(inline(report.summary))</p>

            """
        if !report.information.isEmpty {
            html += table(MarkdownTable(header: ["Information", "Value"], rows: report.information.map { [$0.field, $0.value] }))
        }
        html += "<h2>Recommendation</h2>\n" + list(report.recommendation)
        if !plots.isEmpty {
            html += "<h2>Plots</h2>\n"
            for plot in plots {
                html += "<figure class=\"plot\" id=\"\(escape(plot.name))\">\(inlineSVG(plot.svg))</figure>\n"
            }
        }
        html += "<h2>Cost</h2>\n<p>\(inline(report.costSentence))</p>\n" + table(report.cost)
        html += "<h2>Per instance results</h2>\n"
        html += "<p>The following table provides the best combinations for running inference for different sizes prompts on different instance types.</p>\n"
        html += table(report.perInstance)
        html += "<h2>Results per concurrency level</h2>\n"
        html += "<p>Throughput and end-to-end latency (seconds) of successful requests; ◀ marks the recommendation.</p>\n" + table(report.throughputTable)
        html += "<p>Time to first token and time per output token (seconds), token throughput and requests in flight.</p>\n" + table(report.latencyTable)
        if !report.failures.isEmpty {
            html += "<h2>Failures</h2>\n<p>How the endpoint answered the first request of each failed kind, per level. A success needs the API's own response shape and at least one generated token.</p>\n"
            html += list(report.failures)
        }
        html += "<h2>How the search went</h2>\n" + list(report.story) + table(report.steps)
        html += "<h2>Method</h2>\n" + list(report.method)
        html += "</body>\n</html>\n"
        return html
    }

    /// A page from Markdown as Crest's reports write it (headings, paragraphs, "- " lists, pipe
    /// tables, inline code and strong), with `plots` inline after the first section.
    public static func document(markdown: String, plots: [(name: String, svg: String)], title: String) -> String {
        var html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>\(escape(title))</title>\n<style>\(style)</style>\n</head>\n<body>\n"
        var lines = markdown.components(separatedBy: "\n")[...]
        var sections = 0
        while let line = lines.first {
            if line.hasPrefix("|") {
                let rows = lines.prefix { $0.hasPrefix("|") }
                lines = lines.dropFirst(rows.count)
                let cells = rows.map { row in row.dropFirst().dropLast().components(separatedBy: " | ").map { $0.trimmingCharacters(in: .whitespaces) } }
                let rule = cells.count > 1 ? cells[1] : []
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
                if sections == 2, !plots.isEmpty {
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
