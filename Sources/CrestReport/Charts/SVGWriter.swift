/// Writes SVG by hand: a few element kinds, numbers to two decimals (so a seed's plots are
/// byte-identical), text escaped. Every element can carry a class, which the tests query.
struct SVGWriter {
    private(set) var body = ""
    let width: Double
    let height: Double

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    var document: String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(n(width))" height="\(n(height))" viewBox="0 0 \(n(width)) \(n(height))" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">
        <rect class="background" x="0" y="0" width="\(n(width))" height="\(n(height))" fill="#ffffff"/>
        \(body)</svg>

        """
    }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1, dash: String? = nil, class name: String? = nil) {
        body += "<line\(attribute("class", name)) x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(n(width))\"\(attribute("stroke-dasharray", dash))/>\n"
    }

    mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 2, class name: String? = nil) {
        guard points.count >= 2 else { return }
        let list = points.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " ")
        body += "<polyline\(attribute("class", name)) points=\"\(list)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(n(width))\"/>\n"
    }

    mutating func polygon(_ points: [(Double, Double)], fill: String, opacity: Double, class name: String? = nil) {
        guard points.count >= 3 else { return }
        let list = points.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " ")
        body += "<polygon\(attribute("class", name)) points=\"\(list)\" fill=\"\(fill)\" fill-opacity=\"\(n(opacity))\" stroke=\"none\"/>\n"
    }

    mutating func circle(
        _ x: Double, _ y: Double, radius: Double, fill: String, stroke: String = "none", class name: String? = nil, data: KeyValuePairs<String, String> = [:]
    ) {
        var extra = ""
        for (key, value) in data { extra += " data-\(key)=\"\(escape(value))\"" }
        body += "<circle\(attribute("class", name)) cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"\(n(radius))\" fill=\"\(fill)\" stroke=\"\(stroke)\"\(extra)/>\n"
    }

    mutating func text(
        _ content: String, x: Double, y: Double, anchor: String = "start", size: Double? = nil, weight: String? = nil,
        fill: String = "#222222", rotate: Double? = nil, class name: String? = nil
    ) {
        let transform = rotate.map { " transform=\"rotate(\(n($0)) \(n(x)) \(n(y)))\"" } ?? ""
        body += "<text\(attribute("class", name)) x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor)\" fill=\"\(fill)\"\(attribute("font-size", size.map(n)))\(attribute("font-weight", weight))\(transform)>\(escape(content))</text>\n"
    }

    private func attribute(_ name: String, _ value: String?) -> String {
        value.map { " \(name)=\"\(escape($0))\"" } ?? ""
    }

    private func escape(_ text: String) -> String {
        // Most values need nothing: check the bytes before walking the characters.
        guard text.utf8.contains(where: { $0 == 38 || $0 == 60 || $0 == 62 || $0 == 34 }) else { return text }
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}

/// A coordinate to two decimals, without trailing zeros: integer arithmetic, as a plot of a big
/// sweep writes tens of thousands of them (String(format:) costs a microsecond or two each).
private func n(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    let hundredths = Int((value * 100).rounded())
    let sign = hundredths < 0 ? "-" : ""
    let magnitude = abs(hundredths)
    let whole = magnitude / 100
    let fraction = magnitude % 100
    if fraction == 0 { return sign + String(whole) }
    if fraction % 10 == 0 { return sign + String(whole) + "." + String(fraction / 10) }
    return sign + String(whole) + (fraction < 10 ? ".0" : ".") + String(fraction)
}
