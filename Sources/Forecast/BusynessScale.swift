/// What a customer is shown for an hour: quiet, normal or busy for *this* store.
public enum BusynessLevel: String, CaseIterable, Sendable, Comparable {
    case low, medium, high

    public static func < (lhs: BusynessLevel, rhs: BusynessLevel) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A store's own yardstick for busyness, built from its typical hours.
///
/// Busyness only means something relative to the store: 300 people an hour is quiet for a
/// city-centre supermarket and a rush for a village shop. Pass the store's typical week
/// (`BusynessModel.typicalWeek()`), ideally restricted to its opening hours, since closed
/// night hours would make every open hour look busy.
public struct BusynessScale: Hashable, Sendable {
    /// Mean of the typical values: the "1.0" of `ratio(_:)`, the capacity model's reference.
    public let typical: Double
    /// Upper tercile boundary of "low" and lower boundary of "high": a third of typical
    /// hours fall in each level, so the labels stay informative at every store.
    public let lowBelow: Double
    public let highAbove: Double

    /// Nil when there are no values or none is positive (nothing to be relative to).
    public init?(typicalValues: [Double]) {
        let values = typicalValues.filter { $0.isFinite && $0 >= 0 }.sorted()
        guard !values.isEmpty else { return nil }
        let mean = values.reduce(0, +) / Double(values.count)
        guard mean > 0 else { return nil }
        self.typical = mean
        self.lowBelow = quantile(ofSorted: values, 1.0 / 3)
        self.highAbove = quantile(ofSorted: values, 2.0 / 3)
    }

    /// Forecast count as a multiple of typical (1.0 = typical busyness); never negative.
    public func ratio(_ forecastMean: Double) -> Double {
        max(0, forecastMean) / typical
    }

    public func level(_ forecastMean: Double) -> BusynessLevel {
        if forecastMean < lowBelow { return .low }
        if forecastMean > highAbove { return .high }
        return .medium
    }
}
