import Foundation

/// The M/M/c queue at a pickup counter: Poisson arrivals, exponential handover times,
/// `servers` staff serving one queue first come, first served.
///
/// Computed through the Erlang B recursion B(k) = a·B(k−1) / (k + a·B(k−1)), which never forms
/// a factorial or a power, so it stays exact and finite for any staff count a store has.
/// Inputs are not validated here: non-positive servers, rates or service times describe a
/// counter that cannot serve anyone, and every measure reports it as such (waiting certain,
/// no expected wait, no capacity) instead of trapping.
public struct ErlangC: Hashable, Sendable {
    public let servers: Int
    public let arrivalsPerHour: Double
    public let serviceMinutes: Double

    public init(servers: Int, arrivalsPerHour: Double, serviceMinutes: Double) {
        self.servers = servers
        self.arrivalsPerHour = arrivalsPerHour
        self.serviceMinutes = serviceMinutes
    }

    /// Offered load a = λ / μ in Erlangs: how many servers the arrivals would keep busy on average.
    public var offeredLoad: Double { max(0, arrivalsPerHour) * serviceMinutes / 60 }

    /// A queue that can keep up; otherwise the wait grows without bound.
    public var isStable: Bool { servers > 0 && serviceMinutes > 0 && offeredLoad < Double(servers) }

    /// P(wait > 0): the Erlang C formula C = c·B / (c − a·(1 − B)).
    public var probabilityOfWaiting: Double {
        guard arrivalsPerHour > 0 else { return 0 }
        guard isStable else { return 1 }
        let a = offeredLoad
        let c = Double(servers)
        let blocking = Self.erlangB(servers: servers, offeredLoad: a)
        return c * blocking / (c - a * (1 - blocking))
    }

    /// P(wait > t) = C · exp(−(c·μ − λ)·t): the share of customers whose promise is broken.
    public func probabilityWaitExceeds(minutes: Double) -> Double {
        guard arrivalsPerHour > 0 else { return 0 }
        guard isStable else { return 1 }
        return probabilityOfWaiting * exp(-spareRatePerMinute * max(0, minutes))
    }

    /// E[wait] = C / (c·μ − λ); nil when the queue is unstable (no finite average exists).
    public var expectedWaitMinutes: Double? {
        guard arrivalsPerHour > 0 else { return 0 }
        guard isStable else { return nil }
        return probabilityOfWaiting / spareRatePerMinute
    }

    /// The largest arrival rate (per hour, to within 0.01) for which P(wait > promise) ≤ target.
    /// P(wait > t) rises monotonically with the rate, so bisection between 0 and the
    /// saturation rate c·μ converges; 0 when no positive rate meets the target.
    public static func maxArrivalsPerHour(
        servers: Int,
        serviceMinutes: Double,
        promiseMinutes: Double,
        target: Double
    ) -> Double {
        guard servers > 0, serviceMinutes > 0, target > 0 else { return 0 }
        let meetsTarget = { (rate: Double) in
            ErlangC(servers: servers, arrivalsPerHour: rate, serviceMinutes: serviceMinutes)
                .probabilityWaitExceeds(minutes: promiseMinutes) <= target
        }
        var low = 0.0
        var high = Double(servers) * 60 / serviceMinutes
        while high - low > 0.005 {
            let middle = (low + high) / 2
            if meetsTarget(middle) { low = middle } else { high = middle }
        }
        return low
    }

    /// Erlang B blocking probability, by the stable recursion over server counts.
    static func erlangB(servers: Int, offeredLoad a: Double) -> Double {
        var blocking = 1.0
        for k in stride(from: 1, through: servers, by: 1) {
            blocking = a * blocking / (Double(k) + a * blocking)
        }
        return blocking
    }

    /// c·μ − λ per minute: the rate at which the queue drains when every server is busy.
    private var spareRatePerMinute: Double {
        (Double(servers) * 60 / serviceMinutes - arrivalsPerHour) / 60
    }
}
