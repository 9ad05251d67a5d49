-- Path "offers": GET /api/stores/{store}/slots?date=… runs SlotService.offers,
-- one SELECT (after the store lookup by slug, which pgbench does not run).
-- Variables come from bench/bench.py with -D: store_id, date (a seeded day), now.
-- source: Sources/Slots/Offers.swift
SELECT :date::date - (:now AT TIME ZONE st.time_zone)::date AS days_ahead,
       t.horizon_days, t.fee_cents, t.cutoff_minutes,
       s.slot_id, s.starts_at, s.ends_at, s.status, s.busyness, s.expected_wait_minutes,
       s.capacity_orders - s.reserved_orders + COALESCE(x.orders, 0) AS remaining_orders,
       s.capacity_minutes - s.reserved_minutes + COALESCE(x.minutes, 0) AS remaining_minutes,
       s.starts_at - make_interval(mins => t.cutoff_minutes) <= :now AS past_cutoff,
       (s.reserved_orders > s.planned_orders OR s.reserved_minutes > s.planned_minutes) AS at_risk
  FROM stores st
  LEFT JOIN slot_templates t ON t.store_id = st.store_id
  LEFT JOIN slots s
    ON s.store_id = st.store_id
   AND s.starts_at >= (:date::date::timestamp AT TIME ZONE st.time_zone)
   AND s.starts_at < ((:date::date + 1)::timestamp AT TIME ZONE st.time_zone)
  LEFT JOIN LATERAL (
       SELECT sum(h.orders) AS orders, sum(h.minutes) AS minutes FROM slot_holds h
        WHERE h.store_id = s.store_id AND h.slot_id = s.slot_id AND h.expires_at <= :now
  ) x ON true
 WHERE st.store_id = :store_id
 ORDER BY s.starts_at;
