import Postgres

/// The one way an order changes stock rows: reserved at checkout, released by a
/// cancel, taken off the shelf at handover. One UPDATE over the moves, the rows
/// locked first in product order: writers sharing products would otherwise lock
/// them in their joins' orders and could deadlock (a second's wait, then a
/// retry), as a rush on popular items showed.
public enum StockMoves {
    /// `source` is a FROM item with the columns `product_id` and `quantity` (one row
    /// per product); `set` assigns columns of the stock row `sp` from `m.quantity`;
    /// a row failing `onlyIf` (an `AND …` condition) is left as it is, and
    /// `returning` is the statement's answer.
    public static func update(storeID: Int64, source: SQL, set: SQL, onlyIf: SQL = "", returning: SQL = "") -> SQL {
        """
        WITH moves AS (SELECT product_id, quantity FROM \(source)), locked AS MATERIALIZED (
            SELECT sp.product_id FROM store_products sp
             WHERE sp.store_id = \(storeID) AND sp.product_id IN (SELECT product_id FROM moves)
             ORDER BY sp.product_id
               FOR UPDATE
        )
        UPDATE store_products sp SET \(set)
          FROM locked JOIN moves m USING (product_id)
         WHERE sp.store_id = \(storeID) AND sp.product_id = locked.product_id \(onlyIf)
        \(returning)
        """
    }
}
