-- Picking: the store's side of an order. Queue of tasks (one per order and
-- temperature zone), claims, picked / substituted / missing lines, staging,
-- the customer's arrival and the handover. store_id leads every key.
--
-- Life of an order here (see Sources/Picking):
--   placed  --enqueue (slot start - lead minutes <= now)-->  picking: one task per zone, queued
--   task: queued --claim--> claimed --last line done--> picked --stage--> staged
--         a claimed or picked task not progressed for the claim timeout goes back to the
--         queue (done lines kept; a fully picked tote comes back as picked, to be staged)
--   all of the order's tasks staged  -->  order ready (same transaction)
--   arrival (customer "I'm here" or counter) + ready  --handover-->  handed_over

-- Milestones of the order, set once each by the picking service.
ALTER TABLE orders
    ADD COLUMN picking_started_at timestamptz,
    ADD COLUMN ready_at timestamptz;

-- What the customer pays for a line once picking settled it (picked units at the
-- agreed price plus a substitute at its charged price); NULL while the line is
-- still expected in full. orders.subtotal_cents is always
-- sum(coalesce(charged_cents, quantity * unit_price_cents)) over the order's lines:
-- quantity and unit_price_cents stay what the customer agreed to.
ALTER TABLE order_lines
    ADD COLUMN charged_cents integer CHECK (charged_cents >= 0);

CREATE TABLE picking_tasks (
    store_id          bigint NOT NULL,
    task_id           bigint GENERATED ALWAYS AS IDENTITY,
    order_id          uuid NOT NULL,
    zone              text NOT NULL CHECK (zone IN ('ambient', 'chilled', 'frozen')),
    -- Ambient first, frozen last, so cold items wait least in the tote.
    zone_rank         smallint NOT NULL GENERATED ALWAYS AS (
                          CASE zone WHEN 'ambient' THEN 1 WHEN 'chilled' THEN 2 ELSE 3 END) STORED,
    -- The slot start: earliest due first.
    due_at            timestamptz NOT NULL,
    -- Size of the whole order (its line count): smaller orders first among equals.
    order_lines       integer NOT NULL CHECK (order_lines >= 1),
    task_lines        integer NOT NULL CHECK (task_lines >= 1 AND task_lines <= order_lines),
    lines_done        integer NOT NULL DEFAULT 0,
    status            text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'claimed', 'picked', 'staged')),
    -- The staff member's name for now; a staff_id column comes with staff accounts.
    claimed_by        text CHECK (length(claimed_by) BETWEEN 1 AND 100),
    claimed_at        timestamptz,
    last_progress_at  timestamptz,
    -- How many times the task was claimed (more than once: an abandoned claim was taken over).
    claim_count       integer NOT NULL DEFAULT 0 CHECK (claim_count >= 0),
    -- Written on the tote: the order number and the zone's letter, e.g. "K7M-4Q2-C".
    tote_label        text NOT NULL,
    staging_location  text CHECK (length(staging_location) BETWEEN 1 AND 40),
    queued_at         timestamptz NOT NULL,
    picked_at         timestamptz,
    staged_at         timestamptz,
    PRIMARY KEY (store_id, task_id),
    UNIQUE (store_id, order_id, zone),
    FOREIGN KEY (store_id, order_id) REFERENCES orders,
    CHECK (lines_done BETWEEN 0 AND task_lines),
    CHECK ((status = 'queued') = (claimed_by IS NULL)),
    CHECK ((claimed_by IS NULL) = (claimed_at IS NULL)),
    CHECK (status NOT IN ('picked', 'staged') OR lines_done = task_lines),
    CHECK ((status = 'staged') = (staging_location IS NOT NULL))
);
-- The claim's ORDER BY, restricted to what a claim can take (queued, or held but stale).
CREATE INDEX picking_tasks_queue ON picking_tasks (store_id, due_at, order_lines, zone_rank, task_id)
    WHERE status IN ('queued', 'claimed', 'picked');
-- The same for claims and batches of one zone (a frozen picker skips no ambient work).
CREATE INDEX picking_tasks_zone_queue ON picking_tasks (store_id, zone, due_at, order_lines, zone_rank, task_id)
    WHERE status IN ('queued', 'claimed', 'picked');
-- An order's tasks (ready check, handover screen).
CREATE INDEX picking_tasks_by_order ON picking_tasks (store_id, order_id);

-- One row per order line, in the task of the line's zone.
CREATE TABLE picking_lines (
    store_id                     bigint NOT NULL,
    task_id                      bigint NOT NULL,
    order_id                     uuid NOT NULL,
    line_no                      integer NOT NULL,
    ordered_quantity             integer NOT NULL CHECK (ordered_quantity BETWEEN 1 AND 99),
    picked_quantity              integer NOT NULL DEFAULT 0,
    status                       text NOT NULL DEFAULT 'pending'
                                 CHECK (status IN ('pending', 'picked', 'substituted', 'missing')),
    substitute_product_id        bigint,
    substitute_quantity          integer,
    -- Charged per unit of the substitute: at most the ordered unit price unless the customer allowed more.
    substitute_unit_price_cents  integer CHECK (substitute_unit_price_cents >= 0),
    done_at                      timestamptz,
    PRIMARY KEY (store_id, task_id, line_no),
    UNIQUE (store_id, order_id, line_no),
    FOREIGN KEY (store_id, task_id) REFERENCES picking_tasks,
    FOREIGN KEY (store_id, order_id, line_no) REFERENCES order_lines,
    FOREIGN KEY (store_id, substitute_product_id) REFERENCES store_products (store_id, product_id),
    CHECK (picked_quantity >= 0 AND picked_quantity + coalesce(substitute_quantity, 0) <= ordered_quantity),
    CHECK (substitute_quantity >= 1),
    CHECK ((status = 'substituted') = (substitute_product_id IS NOT NULL)),
    CHECK ((substitute_product_id IS NULL) = (substitute_quantity IS NULL)
       AND (substitute_product_id IS NULL) = (substitute_unit_price_cents IS NULL)),
    CHECK (status <> 'picked' OR picked_quantity = ordered_quantity),
    CHECK ((status = 'pending') = (done_at IS NULL))
);

-- The customer is at the store: "I'm here" on the order page, or the pickup code at the counter.
CREATE TABLE arrivals (
    store_id        bigint NOT NULL,
    order_id        uuid NOT NULL,
    arrived_at      timestamptz NOT NULL,
    parking_bay     text CHECK (parking_bay ~ '^[A-Za-z0-9][A-Za-z0-9 -]{0,9}$'),
    via             text NOT NULL CHECK (via IN ('customer', 'counter')),
    handed_over_at  timestamptz,
    PRIMARY KEY (store_id, order_id),
    FOREIGN KEY (store_id, order_id) REFERENCES orders,
    CHECK (handed_over_at >= arrived_at)
);
-- The handover screen: who is waiting, in arrival order.
CREATE INDEX arrivals_waiting ON arrivals (store_id, arrived_at) WHERE handed_over_at IS NULL;
