/// One hourly count, e.g. people through a door between 09:00 and 10:00.
public struct Observation: Hashable, Sendable {
    public let hour: LocalHour
    public let count: Double

    public init(hour: LocalHour, count: Double) {
        self.hour = hour
        self.count = count
    }
}

/// An hourly series with at most one value per wall-clock hour, in time order.
///
/// Stored densely from the first to the last hour so that lags ("same hour last
/// week") are array lookups; hours without a count are nil.
public struct HourlySeries: Equatable, Sendable {
    /// First hour of the series; nil when the series is empty.
    public let start: LocalHour?
    private let counts: [Double?]

    /// Repeated hours are averaged, not summed. The repeated hour of a daylight-saving
    /// change holds two real hours under one wall-clock label; averaging keeps it on
    /// the same per-hour scale as its neighbours, which is what a busyness forecast
    /// and a counter queue need (a sum would show a spurious double-busy hour).
    public init(_ observations: some Sequence<Observation>) {
        var sums: [Int: (total: Double, n: Int)] = [:]
        for observation in observations {
            let previous = sums[observation.hour.index] ?? (0, 0)
            sums[observation.hour.index] = (previous.total + observation.count, previous.n + 1)
        }
        guard let first = sums.keys.min(), let last = sums.keys.max() else {
            self.start = nil
            self.counts = []
            return
        }
        var counts = [Double?](repeating: nil, count: last - first + 1)
        for (index, sum) in sums {
            counts[index - first] = sum.total / Double(sum.n)
        }
        self.start = LocalHour(index: first)
        self.counts = counts
    }

    /// Every hour from the first to the last observation, including missing ones.
    public var hours: Range<LocalHour> {
        guard let start else { return LocalHour(index: 0)..<LocalHour(index: 0) }
        return start..<start.advanced(by: counts.count)
    }

    /// The count for an hour, or nil when it is missing or outside the series.
    public subscript(hour: LocalHour) -> Double? {
        guard let start else { return nil }
        let offset = hour.index - start.index
        return counts.indices.contains(offset) ? counts[offset] : nil
    }

    /// The hours that have a count, in time order.
    public var observations: [Observation] {
        hours.compactMap { hour in self[hour].map { Observation(hour: hour, count: $0) } }
    }

    public var observationCount: Int { counts.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }
}
