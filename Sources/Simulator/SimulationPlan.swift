import Domain
import Foundation

extension SplitMix64 {
    /// A generator of its own for one actor of the day (a visitor, a picker), so that what
    /// one does never shifts the draws of another.
    init(seed: UInt64, stream: UInt64, index: Int) {
        var mixer = SplitMix64(seed: seed ^ (stream &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(bitPattern: Int64(index)) &* 0xD1B5_4A32_D192_ED03)
        self.init(seed: mixer.next())
    }

    mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// Standard normal (Box–Muller).
    mutating func normal(mean: Double = 0, sd: Double = 1) -> Double {
        let u1 = max(unit(), .leastNonzeroMagnitude), u2 = unit()
        return mean + sd * (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }

    /// Poisson; by inversion for small means, normal approximation above 60.
    mutating func poisson(_ mean: Double) -> Int {
        guard mean > 0 else { return 0 }
        if mean > 60 { return max(0, Int(normal(mean: mean, sd: mean.squareRoot()).rounded())) }
        let limit = exp(-mean)
        var k = 0, p = unit()
        while p > limit { k += 1; p *= unit() }
        return k
    }

    /// Negative binomial as a gamma–Poisson mixture with dispersion `size`: store traffic
    /// varies more from hour to hour than a Poisson count would.
    mutating func overdispersed(_ mean: Double, size: Double = 30) -> Int {
        guard mean > 0 else { return 0 }
        // Gamma(shape: size, scale: mean/size) by Marsaglia–Tsang.
        let d = size - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        var gamma = mean
        while true {
            let x = normal(), v = pow(1 + c * x, 3)
            if v > 0, log(max(unit(), .leastNonzeroMagnitude)) < 0.5 * x * x + d - d * v + d * log(v) {
                gamma = d * v * mean / size
                break
            }
        }
        return poisson(gamma)
    }
}

/// What the simulated customers do, drawn once per day from the seed: how many people the
/// store sees each hour (around the published forecast), and which of them scan posters,
/// fill a basket and order, when, and when they would like to collect.
struct DayPlan {
    struct Visitor {
        var index: Int
        var at: Date
        /// Poster items scanned (indices into the store's poster items).
        var scans: [Int]
        var fillsBasket: Bool
        var orders: Bool
        /// Extra products added from the shelf beyond the ones scanned.
        var extraLines: Int
        /// When they would like to collect.
        var wantedPickup: Date
        /// Arrival at the store, minutes after the slot starts (negative: early).
        var arrivalOffsetMinutes: Double
        var name: String
        var allowsDearer: Bool
    }

    var doorCounts: [(localHour: String, count: Int)]
    var visitors: [Visitor]

    static let firstNames = ["Alice", "Bruno", "Chloé", "David", "Emma", "Farid", "Gabrielle", "Hélène", "Ibrahim", "Julie",
                             "Karim", "Louise", "Mathis", "Nadia", "Olivier", "Pauline", "Quentin", "Rose", "Samir", "Thomas"]

    /// `hours`: the day's open hours with the forecast visitors, `(start instant, local label, mean)`.
    /// `eveningBefore`: instants of the previous evening when people order for this day.
    static func draw(
        seed: UInt64, dayNumber: Int, hours: [(start: Date, label: String, mean: Double)], lastOrderAt: Date,
        eveningBefore: ClosedRange<Date>, posterItems: Int, scanShare: Double
    ) -> DayPlan {
        var rng = SplitMix64(seed: seed, stream: 1, index: dayNumber)
        var door: [(String, Int)] = []
        var visitors: [Visitor] = []
        let firstOpen = hours.first?.start ?? lastOrderAt
        let lastPickup = hours.last.map { $0.start.addingTimeInterval(3600) } ?? lastOrderAt
        func visitor(at: Date) {
            let index = visitors.count
            var own = SplitMix64(seed: seed, stream: 2, index: dayNumber * 1_000_000 + index)
            let scanned = (0..<(1 + Int(own.unit() * 3.2))).map { _ in Int(own.unit() * Double(max(posterItems, 1))) }
            let basket = own.chance(0.5)
            let orders = basket && own.chance(0.62)
            // Same-day customers want their groceries a few hours later; the evening before, during the day.
            let wanted: Date
            if at < firstOpen {
                wanted = firstOpen.addingTimeInterval(own.unit() * lastPickup.timeIntervalSince(firstOpen) * 0.9)
            } else {
                wanted = at.addingTimeInterval((1.5 + own.unit() * 4) * 3600)
            }
            visitors.append(Visitor(
                index: index, at: at, scans: scanned, fillsBasket: basket, orders: orders, extraLines: Int(own.unit() * 5),
                wantedPickup: wanted, arrivalOffsetMinutes: min(25, max(-10, own.normal(mean: 3, sd: 6))),
                name: firstNames[Int(own.unit() * Double(firstNames.count))], allowsDearer: own.chance(0.3)
            ))
        }
        for hour in hours {
            let count = rng.overdispersed(hour.mean)
            door.append((hour.label, count))
            // Poster scanners are a share of the people passing: the posters hang in the store and the station.
            let scanners = rng.poisson(Double(count) * scanShare)
            for _ in 0..<scanners {
                let at = hour.start.addingTimeInterval(rng.unit() * 3600)
                if at < lastOrderAt { visitor(at: at) }
            }
        }
        // The evening before: a fifth as many, ordering for this day.
        let evening = rng.poisson(hours.reduce(0) { $0 + $1.mean } * scanShare * 0.2)
        for _ in 0..<evening {
            visitor(at: eveningBefore.lowerBound.addingTimeInterval(rng.unit() * eveningBefore.upperBound.timeIntervalSince(eveningBefore.lowerBound)))
        }
        visitors.sort { ($0.at, $0.index) < ($1.at, $1.index) }
        for i in visitors.indices { visitors[i].index = i }
        return DayPlan(doorCounts: door, visitors: visitors)
    }
}
