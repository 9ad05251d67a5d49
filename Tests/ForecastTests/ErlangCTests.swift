import Forecast
import Testing

@Suite struct ErlangCTests {
    /// Published table: 3-minute handovers, P(wait > 5 min) ≤ 5%.
    @Test(arguments: [(1, 3.8), (2, 18.6), (3, 36.3), (4, 54.8)])
    func maxArrivalsMatchPublishedValues(servers: Int, expected: Double) {
        let rate = ErlangC.maxArrivalsPerHour(servers: servers, serviceMinutes: 3, promiseMinutes: 5, target: 0.05)
        #expect(abs(rate - expected) <= 0.15, "\(servers) servers: \(rate)/h")
        // The rate found really is the boundary: meets the target, and 0.05/h more does not.
        let atRate = ErlangC(servers: servers, arrivalsPerHour: rate, serviceMinutes: 3)
        let beyond = ErlangC(servers: servers, arrivalsPerHour: rate + 0.05, serviceMinutes: 3)
        #expect(atRate.probabilityWaitExceeds(minutes: 5) <= 0.05)
        #expect(beyond.probabilityWaitExceeds(minutes: 5) > 0.05)
    }

    /// Textbook M/M/3 with offered load a = 2 Erlangs (λ = 20/h, 6-minute service, μ = 10/h):
    /// B(1) = 2/3, B(2) = (4/3)/(2 + 4/3) = 2/5, B(3) = (4/5)/(3 + 4/5) = 4/19,
    /// C = 3·(4/19) / (3 − 2·(15/19)) = (12/19)/(27/19) = 4/9;
    /// E[W] = C / (cμ − λ) = (4/9) / (30 − 20)/h = 2/45 h = 2.667 min.
    @Test func textbookThreeServerCase() {
        let queue = ErlangC(servers: 3, arrivalsPerHour: 20, serviceMinutes: 6)
        #expect(abs(queue.offeredLoad - 2) < 1e-12)
        #expect(abs(queue.probabilityOfWaiting - 4.0 / 9) < 1e-12)
        #expect(abs(queue.expectedWaitMinutes! - 120.0 / 45) < 1e-9)
        // P(W > 3 min) = C·exp(−(30 − 20)/h · 0.05 h) = (4/9)·e^(−0.5).
        #expect(abs(queue.probabilityWaitExceeds(minutes: 3) - 4.0 / 9 * 0.6065306597126334) < 1e-12)
    }

    /// With one server Erlang C reduces to the utilisation ρ.
    @Test func singleServerWaitsWithProbabilityRho() {
        let queue = ErlangC(servers: 1, arrivalsPerHour: 12, serviceMinutes: 3)
        #expect(abs(queue.probabilityOfWaiting - 0.6) < 1e-12)
    }

    @Test func fiftyServersStayFiniteAndSensible() {
        let queue = ErlangC(servers: 50, arrivalsPerHour: 900, serviceMinutes: 3) // a = 45
        let waiting = queue.probabilityOfWaiting
        #expect(waiting.isFinite && waiting > 0 && waiting < 1)
        let rate = ErlangC.maxArrivalsPerHour(servers: 50, serviceMinutes: 3, promiseMinutes: 5, target: 0.05)
        #expect(rate > 900 && rate < 1000)
    }

    @Test func overloadedOrUnstaffedCountersNeverReturnNaN() {
        let overloaded = ErlangC(servers: 2, arrivalsPerHour: 50, serviceMinutes: 3)
        #expect(!overloaded.isStable)
        #expect(overloaded.probabilityOfWaiting == 1)
        #expect(overloaded.expectedWaitMinutes == nil)
        let unstaffed = ErlangC(servers: 0, arrivalsPerHour: 5, serviceMinutes: 3)
        #expect(unstaffed.probabilityWaitExceeds(minutes: 5) == 1)
        #expect(ErlangC(servers: 0, arrivalsPerHour: 0, serviceMinutes: 3).expectedWaitMinutes == 0)
        #expect(ErlangC.maxArrivalsPerHour(servers: 0, serviceMinutes: 3, promiseMinutes: 5, target: 0.05) == 0)
    }
}
