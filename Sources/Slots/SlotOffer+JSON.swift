import Domain

/// The offers answer is the busiest: written without JSONEncoder (see JSONWriting).
extension SlotOffer: JSONWriting {
    public func writeJSON(to output: inout JSONOutput) {
        output.beginObject()
        output.field("available", available)
        output.field("busyness", busyness)
        output.field("end", end)
        output.field("expectedWaitMinutes", expectedWaitMinutes)
        output.field("feeCents", feeCents)
        output.field("remainingMinutes", remainingMinutes)
        output.field("remainingOrders", remainingOrders)
        output.field("slotID", slotID)
        output.field("start", start)
        output.field("unavailableReason", unavailableReason)
        output.endObject()
    }
}
