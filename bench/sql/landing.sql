-- Path "landing": GET /s/{code} runs ShelfService.landing, one statement that
-- resolves the poster code and records the scan (an INSERT into scans), sent in one
-- pipeline after the set_config that lets its commit skip the wait for the disk
-- (PostgresPool.query(_:waitForFlush: false)): one round trip, one transaction.
-- :code is drawn by bench/bench.py among the seeded shelves' codes; :now is the
-- run's start (the server binds its clock's time).
-- source: Sources/Shelf/Catalog.swift
-- source: Sources/Postgres/PostgresPool.swift
\startpipeline
SELECT set_config('synchronous_commit', 'off', true);
WITH item AS (
    SELECT si.store_id, si.shelf_id, si.product_id, s.slug AS shelf_slug, s.title AS shelf_title
    FROM shelf_items si
    JOIN shelves s ON s.store_id = si.store_id AND s.shelf_id = si.shelf_id
    JOIN stores st ON st.store_id = si.store_id
    WHERE si.code = :code AND s.retired_at IS NULL AND st.active
), scan AS (
    INSERT INTO scans (store_id, shelf_id, product_id, scanned_at)
    SELECT store_id, shelf_id, product_id, :now FROM item
    RETURNING scan_id
)
SELECT p.product_id, p.gtin, p.name, p.brand, p.size_text, p.category, p.temperature_zone, p.image_url, p.fresh,
       p.ingredients, p.allergens, p.nutrition, p.origin, p.net_quantity, p.net_unit, p.picking_seconds,
       sp.price_cents, sp.stock_on_hand - sp.reserved AS available, sp.active, (SELECT scan_id FROM scan) AS scan_id, item.shelf_slug, item.shelf_title,
       st.store_id AS store_store_id, st.slug AS store_slug, st.name AS store_name, st.address AS store_address,
       st.time_zone AS store_time_zone, st.slot_fee_cents AS store_slot_fee_cents,
       st.freshness_days AS store_freshness_days, st.change_cutoff_minutes AS store_change_cutoff_minutes,
       st.active AS store_active
FROM item
JOIN store_products sp ON sp.store_id = item.store_id AND sp.product_id = item.product_id
JOIN products p ON p.product_id = item.product_id
JOIN stores st ON st.store_id = item.store_id;
\endpipeline
