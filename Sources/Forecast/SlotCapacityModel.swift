/// An input the capacity model refuses, naming the field, so a roster or a setting with a
/// negative duration is caught where it is entered instead of becoming a silent zero.
public struct InvalidCapacityInput: Error, Equatable, Sendable, CustomStringConvertible {
    public let field: String
    public let value: Double

    public init(field: String, value: Double) {
        self.field = field
        self.value = value
    }

    public var description: String { "invalid \(field): \(value)" }
}

/// How many orders one pickup slot can promise: the smaller of what pickers can pick before
/// the slot starts and what the counter can hand over within the wait promise.
///
/// Absurd inputs (negative or non-finite minutes, counts or shares, a zero-length slot) are
/// rejected with `InvalidCapacityInput` rather than clamped: they mean a bug or a typo
/// upstream, and a clamped zero capacity would hide it. Zero staff is not absurd: it gives
/// zero capacity.
public struct SlotCapacityModel: Sendable {
    public struct Parameters: Equatable, Sendable {
        public var derating = DeratingCurve.standard
        /// Typical picking time per order line (walk, find, scan, bag).
        public var secondsPerLine: Double = 30
        /// Fixed time per order (print, crates, staging, labels), whatever its size.
        public var overheadMinutesPerOrder: Double = 3
        /// Mean time to hand one order over at the counter.
        public var handoverServiceMinutes: Double = 3
        /// The promise to the customer: wait at most this long…
        public var promiseMinutes: Double = 5
        /// …for all but this share of customers (5 minutes for 95%).
        public var promiseTarget: Double = 0.05
        /// Share of the forecast footfall that queues at the pickup counter too (returns,
        /// questions, parcels). A placeholder until a store measures its own.
        public var walkInShare: Double = 0.01

        public init() {}
    }

    /// Picking speed as a function of busyness (ratio to the store's typical busyness, see
    /// `BusynessScale.ratio`): pickers slow down in crowded aisles.
    ///
    /// Default: full speed (1.0) up to typical busyness, then falling linearly to 0.7 at twice
    /// typical, continuing on the same line but never below 0.5.
    public struct DeratingCurve: Equatable, Sendable {
        public var fullSpeedUpTo: Double
        public var slowedAt: Double
        public var slowedSpeed: Double
        public var floor: Double

        public init(fullSpeedUpTo: Double, slowedAt: Double, slowedSpeed: Double, floor: Double) {
            self.fullSpeedUpTo = fullSpeedUpTo
            self.slowedAt = slowedAt
            self.slowedSpeed = slowedSpeed
            self.floor = floor
        }

        public static let standard = DeratingCurve(fullSpeedUpTo: 1, slowedAt: 2, slowedSpeed: 0.7, floor: 0.5)

        /// Multiplier on picker-minutes, between `floor` and 1.
        public func speedFactor(busyness: Double) -> Double {
            guard busyness > fullSpeedUpTo else { return 1 }
            let slope = (1 - slowedSpeed) / (slowedAt - fullSpeedUpTo)
            return max(floor, 1 - slope * (busyness - fullSpeedUpTo))
        }

        func validate() throws(InvalidCapacityInput) {
            try require(fullSpeedUpTo, "derating.fullSpeedUpTo", fullSpeedUpTo >= 0)
            try require(slowedAt, "derating.slowedAt", slowedAt > fullSpeedUpTo)
            try require(slowedSpeed, "derating.slowedSpeed", slowedSpeed > 0 && slowedSpeed <= 1)
            try require(floor, "derating.floor", floor > 0 && floor <= slowedSpeed)
        }
    }

    /// Everything known about one slot.
    public struct Slot: Equatable, Sendable {
        /// Picker-minutes rostered in the lead-time window before the slot starts.
        public var pickerMinutes: Double
        /// Forecast busyness during that window as a ratio to the store's typical busyness
        /// (`BusynessScale.ratio`: 1.0 = typical, 2.0 = twice as busy).
        public var pickingBusyness: Double
        /// Expected order size in lines.
        public var linesPerOrder: Double
        /// Staff at the pickup counter during the slot.
        public var handoverStaff: Int
        public var slotMinutes: Double
        /// Forecast footfall (people per hour) during the slot, e.g. `HourForecast.mean`.
        public var footfallPerHour: Double

        public init(
            pickerMinutes: Double, pickingBusyness: Double, linesPerOrder: Double,
            handoverStaff: Int, slotMinutes: Double, footfallPerHour: Double
        ) {
            self.pickerMinutes = pickerMinutes
            self.pickingBusyness = pickingBusyness
            self.linesPerOrder = linesPerOrder
            self.handoverStaff = handoverStaff
            self.slotMinutes = slotMinutes
            self.footfallPerHour = footfallPerHour
        }
    }

    public enum Constraint: String, Sendable {
        case picking, handover
    }

    public struct PickingCapacity: Equatable, Sendable {
        public let orders: Int
        /// Picker-minutes after derating for busyness.
        public let minutes: Double
        public let minutesPerOrder: Double
        public let speedFactor: Double
    }

    public struct HandoverCapacity: Equatable, Sendable {
        public let orders: Int
        /// Largest total arrival rate the counter can take within the promise.
        public let maxArrivalsPerHour: Double
        /// The part of it already taken by walk-in customers.
        public let walkInArrivalsPerHour: Double
    }

    public struct SlotCapacity: Equatable, Sendable {
        public let orders: Int
        public let picking: PickingCapacity
        public let handover: HandoverCapacity
        /// The part that limits `orders`; picking on a tie, since adding pickers is the
        /// usual remedy a manager reaches for first.
        public let binding: Constraint
        /// Expected counter wait with walk-ins plus `orders` pickups spread over the slot;
        /// nil when walk-ins alone overload the counter (no finite wait).
        public let expectedHandoverWaitMinutes: Double?
    }

    public let parameters: Parameters

    public init(parameters: Parameters = Parameters()) throws(InvalidCapacityInput) {
        try parameters.derating.validate()
        try require(parameters.secondsPerLine, "secondsPerLine", parameters.secondsPerLine >= 0)
        try require(parameters.overheadMinutesPerOrder, "overheadMinutesPerOrder", parameters.overheadMinutesPerOrder >= 0)
        try require(parameters.handoverServiceMinutes, "handoverServiceMinutes", parameters.handoverServiceMinutes > 0)
        try require(parameters.promiseMinutes, "promiseMinutes", parameters.promiseMinutes >= 0)
        try require(parameters.promiseTarget, "promiseTarget", parameters.promiseTarget > 0 && parameters.promiseTarget < 1)
        try require(parameters.walkInShare, "walkInShare", parameters.walkInShare >= 0 && parameters.walkInShare <= 1)
        self.parameters = parameters
    }

    public func capacity(for slot: Slot) throws(InvalidCapacityInput) -> SlotCapacity {
        let picking = try picking(
            pickerMinutes: slot.pickerMinutes, busyness: slot.pickingBusyness, linesPerOrder: slot.linesPerOrder
        )
        let handover = try handover(
            staff: slot.handoverStaff, slotMinutes: slot.slotMinutes, footfallPerHour: slot.footfallPerHour
        )
        let orders = min(picking.orders, handover.orders)
        let load = ErlangC(
            servers: slot.handoverStaff,
            arrivalsPerHour: handover.walkInArrivalsPerHour + Double(orders) * 60 / slot.slotMinutes,
            serviceMinutes: parameters.handoverServiceMinutes
        )
        return SlotCapacity(
            orders: orders,
            picking: picking,
            handover: handover,
            binding: picking.orders <= handover.orders ? .picking : .handover,
            expectedHandoverWaitMinutes: load.expectedWaitMinutes
        )
    }

    /// Orders the rostered pickers can finish before the slot: derated minutes ÷ minutes per order.
    public func picking(
        pickerMinutes: Double, busyness: Double, linesPerOrder: Double
    ) throws(InvalidCapacityInput) -> PickingCapacity {
        try require(pickerMinutes, "pickerMinutes", pickerMinutes >= 0)
        try require(busyness, "pickingBusyness", busyness >= 0)
        try require(linesPerOrder, "linesPerOrder", linesPerOrder >= 0)
        let minutesPerOrder = linesPerOrder * parameters.secondsPerLine / 60 + parameters.overheadMinutesPerOrder
        try require(minutesPerOrder, "minutesPerOrder", minutesPerOrder > 0)
        let speed = parameters.derating.speedFactor(busyness: busyness)
        let minutes = pickerMinutes * speed
        return PickingCapacity(
            orders: wholeOrders(minutes / minutesPerOrder),
            minutes: minutes,
            minutesPerOrder: minutesPerOrder,
            speedFactor: speed
        )
    }

    /// Pickups the counter can take in the slot: floor((max rate − walk-in rate) × slot hours), ≥ 0.
    public func handover(
        staff: Int, slotMinutes: Double, footfallPerHour: Double
    ) throws(InvalidCapacityInput) -> HandoverCapacity {
        try require(Double(staff), "handoverStaff", staff >= 0)
        try require(slotMinutes, "slotMinutes", slotMinutes > 0)
        try require(footfallPerHour, "footfallPerHour", footfallPerHour >= 0)
        let maxRate = ErlangC.maxArrivalsPerHour(
            servers: staff,
            serviceMinutes: parameters.handoverServiceMinutes,
            promiseMinutes: parameters.promiseMinutes,
            target: parameters.promiseTarget
        )
        let walkIns = footfallPerHour * parameters.walkInShare
        return HandoverCapacity(
            orders: wholeOrders((maxRate - walkIns) * slotMinutes / 60),
            maxArrivalsPerHour: maxRate,
            walkInArrivalsPerHour: walkIns
        )
    }
}

/// Whole orders that fit; the small tolerance keeps 13.999999… from float rounding at 14.
private func wholeOrders(_ fractional: Double) -> Int {
    guard fractional > 0 else { return 0 }
    return Int(min(fractional + 1e-9, 1_000_000).rounded(.down))
}

/// Finite and meeting `condition`, or an error naming the field. NaN fails every condition.
private func require(_ value: Double, _ field: String, _ condition: Bool) throws(InvalidCapacityInput) {
    guard value.isFinite, condition else { throw InvalidCapacityInput(field: field, value: value) }
}
