import Foundation
import Synchronization

/// The time the product runs on. Almost always the system's; `creneau simulate` plays a
/// day on a clock of its own, and every timestamp the services write (an order placed, a
/// line picked, a scan) must then come from that clock, not from the machine's.
///
/// Services read it through `WallClock.now()` (their `now:` parameters default to it);
/// the server sets `WallClock.current` around each request and each periodic job, so no
/// signature has to carry a clock and none can forget it.
public struct WallClock: Sendable {
    private let read: @Sendable () -> Date

    public init(_ read: @escaping @Sendable () -> Date) {
        self.read = read
    }

    public func now() -> Date { read() }

    public static let system = WallClock { Date() }

    @TaskLocal public static var current: WallClock = .system

    /// The time on the clock of the request or job running.
    public static func now() -> Date { current.now() }
}

/// A clock that stands still until told to move: the simulator's. Shared by the server it
/// drives and by the simulator, which moves it from event to event.
public final class SettableClock: Sendable {
    private let time: Mutex<Date>

    public init(_ start: Date) {
        time = Mutex(start)
    }

    public var clock: WallClock { WallClock { self.date } }

    public var date: Date { time.withLock { $0 } }

    /// Moves forward only: a simulated event never happens before one already played.
    public func advance(to date: Date) {
        time.withLock { $0 = max($0, date) }
    }
}

extension Duration {
    /// For showing how long something took (a log line, a timing on stderr).
    public var inMilliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}
