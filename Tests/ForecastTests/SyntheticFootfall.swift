import Domain
import Foundation
import Forecast

/// Reproducible synthetic footfall for tests: a known weekly shape times a level, optionally
/// with multiplicative noise from a seeded generator (SplitMix64), so expectations are exact.
struct SyntheticFootfall {
    /// Busy weekday afternoons, quiet nights, a low Sunday: a shape with real contrast.
    static func shape(_ hour: LocalHour) -> Double {
        let daily = [2.0, 1, 1, 1, 1, 2, 5, 15, 40, 60, 70, 80, 95, 90, 80, 75, 85, 70, 50, 35, 25, 15, 8, 4]
        let dayFactor: Double = switch hour.weekday {
        case .sunday: 0.4
        case .saturday: 0.8
        default: 1
        }
        return daily[hour.hourOfDay] * dayFactor
    }

    static let monday = LocalHour(parsing: "2024-01-01 00:00:00")!

    /// `weeks` weeks from 2024-01-01 (a Monday) of level(hour) × shape × noise, rounded.
    static func series(
        weeks: Int, noise: Double = 0, seed: UInt64 = 1, level: (LocalHour) -> Double = { _ in 1 }
    ) -> [Observation] {
        var random = SplitMix64(seed: seed)
        return (0..<weeks * LocalHour.hoursPerWeek).map { offset in
            let hour = monday.advanced(by: offset)
            let multiplier = noise > 0 ? exp(noise * random.nextGaussian()) : 1
            return Observation(hour: hour, count: (level(hour) * shape(hour) * multiplier).rounded())
        }
    }
}

extension SplitMix64 {
    /// Uniform in (0, 1).
    mutating func nextUniform() -> Double { (Double(next() >> 11) + 0.5) / Double(1 << 53) }

    /// Standard normal by Box–Muller.
    mutating func nextGaussian() -> Double {
        (-2 * log(nextUniform())).squareRoot() * cos(2 * Double.pi * nextUniform())
    }
}
