-- Path "claim": POST /api/staff/stores/{store}/claims runs PickingService.claimNext,
-- one autocommit statement: the head of the queue FOR UPDATE SKIP LOCKED, claimed
-- in place, its order started, read back with its lines. Outside it the request
-- checks the staff session and the store role (2 SELECTs): pgbench runs only the
-- claim, as the target ("≥ 80% of pgbench on the same SQL") says.
-- The queue never drains: the server runs with CRENEAU_CLAIM_TIMEOUT_SECONDS=0 and
-- pgbench with stale_before = now, so a claimed task is at once claimable again
-- and both sides take over the head of the same queue for the whole run.
-- Variables: store_id, picker, now, stale_before (-D).
-- source: Sources/Picking/Claims.swift
-- source: Sources/Picking/TaskQuery.swift
WITH next AS (SELECT store_id, task_id
  FROM picking_tasks
 WHERE store_id = :store_id
   AND (status = 'queued'
     OR (status = 'claimed' AND last_progress_at <= :stale_before)
     OR (status = 'picked' AND last_progress_at <= :stale_before))
 ORDER BY due_at, order_lines, zone_rank, task_id
 LIMIT 1
   FOR UPDATE SKIP LOCKED),
claimed AS (
    UPDATE picking_tasks t
       SET status = CASE WHEN t.lines_done = t.task_lines THEN 'picked' ELSE 'claimed' END,
           claimed_by = :picker, claimed_at = :now, last_progress_at = :now,
           claim_count = t.claim_count + 1
      FROM next
     WHERE t.store_id = next.store_id AND t.task_id = next.task_id
    RETURNING t.*
),
started AS (
    UPDATE orders o SET picking_started_at = :now
      FROM (SELECT DISTINCT store_id, order_id FROM claimed) c
     WHERE o.store_id = c.store_id AND o.order_id = c.order_id AND o.picking_started_at IS NULL
    RETURNING o.store_id, o.order_id
),
started_event AS (
    INSERT INTO order_events (store_id, order_id, kind, at, detail)
    SELECT store_id, order_id, 'picking_started', :now, jsonb_build_object('note', 'Un préparateur a commencé votre commande.')
      FROM started
)
SELECT t.store_id, t.task_id, t.order_id, o.order_number, t.zone, t.status, t.due_at, t.order_lines,
       t.tote_label, t.claimed_by, t.claimed_at, t.last_progress_at, t.claim_count, t.staging_location,
       pl.line_no, ol.product_id, ol.name, ol.brand, ol.size_text, sp.aisle, sp.walk_sequence,
       pl.ordered_quantity, pl.picked_quantity, ol.unit_price_cents, pl.status AS line_status,
       pl.substitute_product_id, sub.name AS substitute_name, pl.substitute_quantity, pl.substitute_unit_price_cents
  FROM claimed t
  JOIN orders o ON o.store_id = t.store_id AND o.order_id = t.order_id
  JOIN picking_lines pl ON pl.store_id = t.store_id AND pl.task_id = t.task_id
  JOIN order_lines ol ON ol.store_id = pl.store_id AND ol.order_id = pl.order_id AND ol.line_no = pl.line_no
  JOIN store_products sp ON sp.store_id = ol.store_id AND sp.product_id = ol.product_id
  LEFT JOIN products sub ON sub.product_id = pl.substitute_product_id
 ORDER BY t.due_at, t.order_lines, t.zone_rank, t.task_id, sp.walk_sequence, pl.line_no;
