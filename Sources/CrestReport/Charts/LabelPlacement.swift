/// Places short labels beside chart points so that no two overlap, and none covers a point or an
/// interval's bar (`reserve`). Beside each point it tries above right, below right, above left and
/// below left, and leaves out a label with no free place: where a search measured levels close
/// together, their step numbers would otherwise print over each other and over the intervals
/// near the budget line (the report's search story lists every step anyway).
struct LabelPlacement {
    struct Placement: Equatable {
        let x: Double
        let y: Double
        let anchor: String
    }

    private struct Box {
        let left: Double
        let top: Double
        let right: Double
        let bottom: Double

        func overlaps(_ other: Box) -> Bool {
            left < other.right && other.left < right && top < other.bottom && other.top < bottom
        }
    }

    private var taken: [Box] = []

    /// Keeps the rectangle from (`left`, `top`) to (`right`, `bottom`) free of labels: a point's
    /// marker, an interval's bar.
    mutating func reserve(left: Double, top: Double, right: Double, bottom: Double) {
        taken.append(Box(left: left, top: min(top, bottom), right: right, bottom: max(top, bottom)))
    }

    /// Where to write `text` at font `size` beside the point at (`x`, `y`), or nil for nowhere.
    mutating func place(_ text: String, besidePointAt x: Double, _ y: Double, size: Double) -> Placement? {
        // A digit or a separator is about 0.6 of the font size wide; the baseline sits under the text.
        let width = 0.6 * size * Double(text.count)
        let candidates = [
            Placement(x: x + 6, y: y - 7, anchor: "start"), Placement(x: x + 6, y: y + 7 + size, anchor: "start"),
            Placement(x: x - 6, y: y - 7, anchor: "end"), Placement(x: x - 6, y: y + 7 + size, anchor: "end"),
        ]
        for candidate in candidates {
            let left = candidate.anchor == "end" ? candidate.x - width : candidate.x
            let box = Box(left: left, top: candidate.y - size, right: left + width, bottom: candidate.y)
            if !taken.contains(where: box.overlaps) {
                taken.append(box)
                return candidate
            }
        }
        return nil
    }
}
