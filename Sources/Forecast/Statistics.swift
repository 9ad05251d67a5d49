import Foundation

// Small numerical building blocks shared by the model, the backtest and the busyness scale.

/// An exponentially weighted ratio Σw·x / Σw·y whose weights halve every `halfLifeHours`
/// of wall-clock time, so a gap in the data ages old evidence as much as real hours would.
/// A ratio of sums (rather than a mean of ratios) stays stable when the denominators are
/// tiny, e.g. night hours with a near-zero share of the day's traffic.
struct DecayingRatio: Sendable {
    private var numerator = 0.0
    private var denominator = 0.0
    private var lastHourIndex: Int?

    mutating func add(_ x: Double, over y: Double, at hour: LocalHour, halfLifeHours: Double) {
        if let lastHourIndex {
            let decay = pow(0.5, Double(hour.index - lastHourIndex) / halfLifeHours)
            numerator *= decay
            denominator *= decay
        }
        numerator += x
        denominator += y
        lastHourIndex = hour.index
    }

    /// Nil until something with a positive denominator has been added.
    var value: Double? { denominator > 0 ? numerator / denominator : nil }
}

/// The most recent `capacity` values, oldest overwritten first; bounded memory and bounded
/// quantile cost no matter how long the model has been running.
struct RollingWindow: Sendable {
    let capacity: Int
    private var values: [Double] = []
    private var nextSlot = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        values.reserveCapacity(self.capacity)
    }

    var count: Int { values.count }

    mutating func append(_ value: Double) {
        if values.count < capacity {
            values.append(value)
        } else {
            values[nextSlot] = value
            nextSlot = (nextSlot + 1) % capacity
        }
    }

    func quantiles(_ probabilities: [Double]) -> [Double] {
        let sorted = values.sorted()
        return probabilities.map { quantile(ofSorted: sorted, $0) }
    }
}

/// Linear interpolation between order statistics (R type 7, numpy's default), so small
/// samples such as four weekly values give the usual median. Callers pass a non-empty sample.
func quantile(ofSorted sorted: [Double], _ probability: Double) -> Double {
    precondition(!sorted.isEmpty, "quantile of an empty sample")
    let position = min(max(probability, 0), 1) * Double(sorted.count - 1)
    let below = Int(position.rounded(.down))
    let above = min(below + 1, sorted.count - 1)
    let fraction = position - Double(below)
    return sorted[below] + (sorted[above] - sorted[below]) * fraction
}
