import Forecast
import Testing

@Suite struct SlotCapacityModelTests {
    private let model = try! SlotCapacityModel()

    private func slot(
        pickerMinutes: Double = 120, busyness: Double = 1, lines: Double = 10,
        staff: Int = 2, slotMinutes: Double = 60, footfall: Double = 200
    ) -> SlotCapacityModel.Slot {
        .init(pickerMinutes: pickerMinutes, pickingBusyness: busyness, linesPerOrder: lines,
              handoverStaff: staff, slotMinutes: slotMinutes, footfallPerHour: footfall)
    }

    /// 2 pickers × 60 min lead = 120 picker-minutes at typical busyness (speed 1.0);
    /// an order of 10 lines × 30 s = 5 min + 3 min overhead = 8 min → 120 / 8 = 15 orders.
    /// Counter: 2 staff, 3-min handovers, 5-min promise at 95% → about 18.6 arrivals/h;
    /// walk-ins 200 people/h × 1% = 2/h → (18.6 − 2) × 60/60 = 16.6 → 16 pickups.
    /// min(15, 16) = 15, picking binds. Counter load 2 + 15 = 17/h: a = 0.85, ρ = 0.425,
    /// B(1) = 0.85/1.85 = 0.45946, B(2) = 0.39054/2.39054 = 0.16337,
    /// C = 0.16337 / (1 − 0.425 · 0.83663) = 0.25351, E[W] = 0.25351 / (40 − 17) h = 0.661 min.
    @Test func typicalSlotByHand() throws {
        let capacity = try model.capacity(for: slot())
        #expect(capacity.picking.minutesPerOrder == 8)
        #expect(capacity.picking.speedFactor == 1)
        #expect(capacity.picking.minutes == 120)
        #expect(capacity.picking.orders == 15)
        #expect(capacity.handover.walkInArrivalsPerHour == 2)
        #expect(abs(capacity.handover.maxArrivalsPerHour - 18.6) <= 0.15)
        #expect(capacity.handover.orders == 16)
        #expect(capacity.orders == 15)
        #expect(capacity.binding == .picking)
        #expect(abs(try #require(capacity.expectedHandoverWaitMinutes) - 0.661) < 0.005)
    }

    /// 1.5× typical busyness: speed 1 − 0.3 × 0.5 = 0.85 → 102 min → 12.75 → 12 orders.
    /// 3× typical: the line gives 0.4, the floor holds it at 0.5 → 60 min → 7.5 → 7 orders.
    @Test func busyStoresPickSlower() throws {
        let busy = try model.picking(pickerMinutes: 120, busyness: 1.5, linesPerOrder: 10)
        #expect(abs(busy.speedFactor - 0.85) < 1e-12)
        #expect(busy.orders == 12)
        let packed = try model.picking(pickerMinutes: 120, busyness: 3, linesPerOrder: 10)
        #expect(packed.speedFactor == 0.5)
        #expect(packed.orders == 7)
        let quiet = try model.picking(pickerMinutes: 120, busyness: 0.3, linesPerOrder: 10)
        #expect(quiet.speedFactor == 1)
    }

    /// 0.7 × 160 is 111.99999999999999 in floating point; 14 whole orders of 8 minutes still fit.
    @Test func floatRoundingDoesNotLoseAnOrder() throws {
        let picking = try model.picking(pickerMinutes: 160, busyness: 2, linesPerOrder: 10)
        #expect(picking.orders == 14)
    }

    /// One counter clerk takes about 3.8 arrivals/h; over a 30-minute slot with no walk-ins
    /// that is floor(1.9) = 1 pickup, far below the 15 orders pickers could prepare.
    @Test func counterCanBeTheBindingConstraint() throws {
        let capacity = try model.capacity(for: slot(staff: 1, slotMinutes: 30, footfall: 0))
        #expect(capacity.handover.orders == 1)
        #expect(capacity.orders == 1)
        #expect(capacity.binding == .handover)
    }

    @Test func zeroStaffGivesZeroCapacityWithoutNaN() throws {
        let capacity = try model.capacity(for: slot(pickerMinutes: 0, staff: 0))
        #expect(capacity.orders == 0)
        #expect(capacity.picking.orders == 0)
        #expect(capacity.handover.orders == 0)
        #expect(capacity.handover.maxArrivalsPerHour == 0)
        #expect(capacity.expectedHandoverWaitMinutes == nil, "walk-ins with nobody at the counter never get served")
        let empty = try model.capacity(for: slot(pickerMinutes: 0, staff: 0, footfall: 0))
        #expect(empty.orders == 0)
        #expect(empty.expectedHandoverWaitMinutes == 0)
    }

    @Test func walkInsCanFillTheCounter() throws {
        // 2 000 people/h × 1% = 20 walk-ins/h, beyond the 18.6/h two clerks can take.
        let capacity = try model.capacity(for: slot(footfall: 2000))
        #expect(capacity.handover.orders == 0)
        #expect(capacity.orders == 0)
    }

    @Test func absurdInputsAreRejectedByName() throws {
        #expect(throws: InvalidCapacityInput(field: "pickerMinutes", value: -5)) {
            try model.capacity(for: slot(pickerMinutes: -5))
        }
        #expect(throws: InvalidCapacityInput(field: "slotMinutes", value: 0)) {
            try model.capacity(for: slot(slotMinutes: 0))
        }
        #expect(throws: InvalidCapacityInput(field: "handoverStaff", value: -1)) {
            try model.capacity(for: slot(staff: -1))
        }
        #expect(throws: InvalidCapacityInput.self) {
            try model.capacity(for: slot(busyness: .nan))
        }
        var parameters = SlotCapacityModel.Parameters()
        parameters.overheadMinutesPerOrder = 0
        parameters.secondsPerLine = 0
        let free = try SlotCapacityModel(parameters: parameters)
        #expect(throws: InvalidCapacityInput(field: "minutesPerOrder", value: 0)) {
            try free.picking(pickerMinutes: 60, busyness: 1, linesPerOrder: 10)
        }
        parameters = SlotCapacityModel.Parameters()
        parameters.promiseTarget = 1.5
        #expect(throws: InvalidCapacityInput(field: "promiseTarget", value: 1.5)) {
            try SlotCapacityModel(parameters: parameters)
        }
    }
}
