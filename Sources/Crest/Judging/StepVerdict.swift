/// A step's verdict as the search log keeps it: which side of the budget, and how that was
/// reached. In search.jsonl (and wherever a verdict is shown with its certainty) it reads
/// "certified feasible", "likely infeasible", "feasible" (point estimates), "infeasible (held back)".
public struct StepVerdict: Sendable, Equatable, CustomStringConvertible {
    public enum Basis: Sendable, Equatable {
        /// A sequential test decided, this sure.
        case test(Certainty)
        /// The level's point estimates, for a level measured for a fixed count or time.
        case pointEstimate
        /// The level's clients were held back: it was not measured at its concurrency.
        case heldBack

        /// "certified", "likely", "borderline", "point estimate", "held back" (levels.csv's verdict_detail).
        public var label: String {
            switch self {
            case .test(let certainty): return certainty.rawValue
            case .pointEstimate: return "point estimate"
            case .heldBack: return "held back"
            }
        }
    }

    public let isFeasible: Bool
    public let basis: Basis

    public init(isFeasible: Bool, basis: Basis) {
        self.isFeasible = isFeasible
        self.basis = basis
    }

    public init(_ verdict: Verdict) {
        isFeasible = verdict.isFeasible
        if verdict.shortfall != nil {
            basis = .heldBack
        } else if let decision = verdict.decision {
            basis = .test(decision.certainty)
        } else {
            basis = .pointEstimate
        }
    }

    public var description: String { label(feasible: "feasible", infeasible: "infeasible") }

    /// For a search's path told in a line: "certified ok", "likely over", "over (held back)".
    public var short: String { label(feasible: "ok", infeasible: "over") }

    private func label(feasible: String, infeasible: String) -> String {
        let side = isFeasible ? feasible : infeasible
        switch basis {
        case .test(let certainty): return "\(certainty.rawValue) \(side)"
        case .pointEstimate: return side
        case .heldBack: return "\(side) (held back)"
        }
    }
}

extension StepVerdict: Codable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        var words = text.split(separator: " ").map(String.init)
        var basis = Basis.pointEstimate
        if words.count == 2, let certainty = Certainty(rawValue: words[0]) {
            basis = .test(certainty)
            words.removeFirst()
        } else if words.count == 3, words[1...] == ["(held", "back)"] {
            basis = .heldBack
            words.removeLast(2)
        }
        guard words.count == 1, words[0] == "feasible" || words[0] == "infeasible" else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not a verdict Crest can read")
        }
        self.init(isFeasible: words[0] == "feasible", basis: basis)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
