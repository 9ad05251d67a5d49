import Domain
import Foundation

/// A claim answers a task with its lines: written without JSONEncoder (see JSONWriting).
extension PickingTask: JSONWriting {
    public func writeJSON(to output: inout JSONOutput) {
        output.beginObject()
        output.field("claimCount", claimCount)
        output.field("claimedAt", claimedAt)
        output.field("claimedBy", claimedBy)
        output.field("dueAt", dueAt)
        output.field("lastProgressAt", lastProgressAt)
        output.field("lines", lines)
        output.field("orderID", orderID)
        output.field("orderLines", orderLines)
        output.field("orderNumber", orderNumber)
        output.field("stagingLocation", stagingLocation)
        output.field("status", status)
        output.field("storeID", storeID)
        output.field("taskID", taskID)
        output.field("toteLabel", toteLabel)
        output.field("zone", zone)
        output.endObject()
    }
}

extension PickingLine: JSONWriting {
    public func writeJSON(to output: inout JSONOutput) {
        output.beginObject()
        output.field("aisle", aisle)
        output.field("brand", brand)
        output.field("lineNo", lineNo)
        output.field("name", name)
        output.field("orderedQuantity", orderedQuantity)
        output.field("pickedQuantity", pickedQuantity)
        output.field("productID", productID)
        output.field("sizeText", sizeText)
        output.field("status", status)
        output.field("substitute", substitute)
        output.field("unitPriceCents", unitPriceCents)
        output.field("walkSequence", walkSequence)
        output.endObject()
    }
}

extension Substitute: JSONWriting {
    public func writeJSON(to output: inout JSONOutput) {
        output.beginObject()
        output.field("name", name)
        output.field("productID", productID)
        output.field("quantity", quantity)
        output.field("unitPriceCents", unitPriceCents)
        output.endObject()
    }
}
