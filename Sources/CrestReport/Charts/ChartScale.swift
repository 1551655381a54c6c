import Foundation

/// Maps data values onto a pixel range, and says where the ticks go.
struct ChartScale {
    enum Kind { case linear, log2 }

    let kind: Kind
    let domain: (low: Double, high: Double)
    let range: (low: Double, high: Double)

    /// A linear scale from 0 (or the data's low end when it is negative) up to a round number above
    /// `high`; the data must fit with some air above it.
    static func linear(upTo high: Double, range: (Double, Double)) -> ChartScale {
        let top = high > 0 ? niceCeiling(high * 1.08) : 1
        return ChartScale(kind: .linear, domain: (0, top), range: range)
    }

    /// A linear scale over the data's span: from 0, unless the data sit far from it (its low end
    /// above 30% of its high end, as prompt sizes of one bin do), then from a round number below them.
    static func linear(from low: Double, to high: Double, range: (Double, Double)) -> ChartScale {
        guard low > 0.3 * high, high > 0 else { return linear(upTo: high, range: range) }
        let step = niceStep(high - low)
        let bottom = (low / step).rounded(.down) * step
        let top = ((high + (high - low) * 0.08) / step).rounded(.up) * step
        return ChartScale(kind: .linear, domain: (bottom, top), range: range)
    }

    /// A base-2 log scale for concurrency: from the power of two at or below `low` to the one at or above `high`.
    static func log2(from low: Double, to high: Double, range: (Double, Double)) -> ChartScale {
        let bottom = pow(2, Foundation.log2(max(low, 1)).rounded(.down))
        let top = max(pow(2, Foundation.log2(max(high, 1)).rounded(.up)), bottom * 2)
        return ChartScale(kind: .log2, domain: (bottom, top), range: range)
    }

    func position(_ value: Double) -> Double {
        let fraction: Double
        switch kind {
        case .linear: fraction = (value - domain.low) / (domain.high - domain.low)
        case .log2: fraction = (Foundation.log2(max(value, domain.low)) - Foundation.log2(domain.low)) / (Foundation.log2(domain.high) - Foundation.log2(domain.low))
        }
        return range.low + fraction * (range.high - range.low)
    }

    /// Tick values: 1-2-5 steps for linear scales (5 to 10 ticks), powers of two for log scales.
    var ticks: [Double] {
        switch kind {
        case .log2:
            var values: [Double] = []
            var value = domain.low
            while value <= domain.high * 1.0001 {
                values.append(value)
                value *= 2
            }
            return values
        case .linear:
            let step = Self.niceStep(domain.high - domain.low)
            return stride(from: domain.low, through: domain.high + step * 1e-9, by: step).map { $0 }
        }
    }

    /// A round number at or above `value`: 1, 2 or 5 times a power of ten, or a multiple of the step.
    static func niceCeiling(_ value: Double) -> Double {
        let step = niceStep(value)
        return (value / step).rounded(.up) * step
    }

    /// A tick step giving 5 to 10 ticks over `span`.
    static func niceStep(_ span: Double) -> Double {
        guard span > 0 else { return 1 }
        let raw = span / 6
        let magnitude = pow(10, Foundation.log10(raw).rounded(.down))
        for multiple in [1.0, 2, 5, 10] where raw <= multiple * magnitude { return multiple * magnitude }
        return 10 * magnitude
    }
}
