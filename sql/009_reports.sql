-- Capacity reports (Sources/Reports): every report reads one store over a range of days,
-- so each range it scans is (store_id, a timestamp) on an index. The ranges already served:
-- slots (store_id, starts_at) by their UNIQUE constraint, orders by slot start (orders_by_slot),
-- scans (scans_by_time), forecasts and observations by their primary keys, roster shifts
-- (roster_shifts_time). What was missing:

-- Picking work by slot start, finished tasks included (the queue's indexes keep only open ones).
CREATE INDEX picking_tasks_by_due ON picking_tasks (store_id, due_at);

-- Handover waits by day of handover; the wait is in the index, so the heap is rarely read.
CREATE INDEX slot_bookings_handovers ON slot_bookings (store_id, handed_over_at)
    INCLUDE (actual_wait_minutes) WHERE handed_over_at IS NOT NULL;

-- Poster conversion: orders placed and baskets started in the range.
CREATE INDEX orders_by_placed ON orders (store_id, placed_at) WHERE status <> 'cancelled';
CREATE INDEX baskets_by_created ON baskets (store_id, created_at);

-- Substitution and missing rates: the few lines that were replaced or missing, by when they were
-- handled, so the report reads them without joining every picking line of the range.
CREATE INDEX picking_lines_trouble ON picking_lines (store_id, done_at) INCLUDE (order_id, line_no, status)
    WHERE status IN ('substituted', 'missing');
