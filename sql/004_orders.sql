-- Order intake: anonymous scans, guest baskets, orders, their timeline and
-- the idempotency keys that make submission exactly-once.

-- One row per poster scan. Deliberately anonymous: no IP, no cookie
-- identifier, no user agent; only what the conversion report needs.
CREATE TABLE scans (
    store_id    bigint NOT NULL REFERENCES stores,
    scan_id     bigint GENERATED ALWAYS AS IDENTITY,
    shelf_id    bigint NOT NULL,
    product_id  bigint NOT NULL,
    scanned_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store_id, scan_id),
    FOREIGN KEY (store_id, shelf_id) REFERENCES shelves
);
CREATE INDEX scans_by_time ON scans (store_id, scanned_at);

-- A guest basket. The customer holds a random token (cookie or header);
-- only its SHA-256 is stored, so a database leak reveals no live basket.
CREATE TABLE baskets (
    store_id       bigint NOT NULL REFERENCES stores,
    basket_id      uuid NOT NULL DEFAULT gen_random_uuid(),
    token_hash     bytea NOT NULL UNIQUE,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL DEFAULT now() + interval '30 days',
    -- The slot hold taken at checkout (owned by the slot allocator).
    hold_id        uuid,
    -- Set once the basket became an order; it then accepts no change.
    order_id       uuid,
    first_scan_id  bigint,
    PRIMARY KEY (store_id, basket_id)
);

CREATE TABLE basket_lines (
    store_id    bigint NOT NULL,
    basket_id   uuid NOT NULL,
    product_id  bigint NOT NULL,
    quantity    integer NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    added_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store_id, basket_id, product_id),
    FOREIGN KEY (store_id, basket_id) REFERENCES baskets ON DELETE CASCADE,
    FOREIGN KEY (store_id, product_id) REFERENCES store_products
);

CREATE TABLE orders (
    store_id              bigint NOT NULL REFERENCES stores,
    order_id              uuid NOT NULL DEFAULT gen_random_uuid(),
    -- Human reference for the counter and the phone, e.g. "K7M-4Q2".
    order_number          text NOT NULL,
    -- The confirmation page's secret link; only its hash is kept.
    link_hash             bytea NOT NULL UNIQUE,
    -- Six digits typed at the counter when the QR cannot be scanned.
    pickup_code           text NOT NULL CHECK (pickup_code ~ '^[0-9]{6}$'),
    basket_id             uuid NOT NULL,
    status                text NOT NULL DEFAULT 'placed'
                          CHECK (status IN ('placed', 'picking', 'ready', 'handed_over', 'cancelled')),
    customer_name         text CHECK (length(customer_name) BETWEEN 1 AND 100),
    customer_phone        text CHECK (customer_phone ~ '^\+?[0-9 ]{6,20}$'),
    customer_email        text CHECK (customer_email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' AND length(customer_email) <= 254),
    contact_erased_at     timestamptz,
    slot_id               bigint NOT NULL,
    slot_starts_at        timestamptz NOT NULL,
    slot_ends_at          timestamptz NOT NULL,
    subtotal_cents        integer NOT NULL CHECK (subtotal_cents >= 0),
    fee_cents             integer NOT NULL CHECK (fee_cents >= 0),
    total_cents           integer NOT NULL,
    picking_minutes       numeric(8, 2) NOT NULL,
    placed_at             timestamptz NOT NULL DEFAULT now(),
    cancelled_at          timestamptz,
    PRIMARY KEY (store_id, order_id),
    UNIQUE (store_id, order_number),
    FOREIGN KEY (store_id, basket_id) REFERENCES baskets,
    CHECK (total_cents = subtotal_cents + fee_cents),
    -- Pickup needs a way to say "ready": a phone or an e-mail, until erased.
    CHECK (contact_erased_at IS NOT NULL OR customer_phone IS NOT NULL OR customer_email IS NOT NULL)
);
CREATE INDEX orders_by_slot ON orders (store_id, slot_starts_at) WHERE status <> 'cancelled';
CREATE UNIQUE INDEX orders_open_pickup_code ON orders (store_id, pickup_code)
    WHERE status NOT IN ('handed_over', 'cancelled');

-- Lines keep the name and price the customer agreed to, whatever the catalog does later.
CREATE TABLE order_lines (
    store_id          bigint NOT NULL,
    order_id          uuid NOT NULL,
    line_no           integer NOT NULL CHECK (line_no >= 1),
    product_id        bigint NOT NULL,
    name              text NOT NULL,
    brand             text NOT NULL,
    size_text         text NOT NULL,
    temperature_zone  text NOT NULL,
    quantity          integer NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    unit_price_cents  integer NOT NULL CHECK (unit_price_cents >= 0),
    PRIMARY KEY (store_id, order_id, line_no),
    UNIQUE (store_id, order_id, product_id),
    FOREIGN KEY (store_id, order_id) REFERENCES orders,
    FOREIGN KEY (store_id, product_id) REFERENCES store_products
);

-- The order's written trace. Append-only: rows can be neither changed nor
-- removed, except by the purge once they are older than 12 months.
CREATE TABLE order_events (
    store_id   bigint NOT NULL,
    order_id   uuid NOT NULL,
    event_id   bigint GENERATED ALWAYS AS IDENTITY,
    kind       text NOT NULL CHECK (kind IN (
                   'placed', 'slot_changed', 'picking_started', 'substituted', 'missing',
                   'ready', 'arrived', 'handed_over', 'cancelled', 'at_risk', 'contact_erased')),
    at         timestamptz NOT NULL DEFAULT now(),
    detail     jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (store_id, event_id),
    FOREIGN KEY (store_id, order_id) REFERENCES orders
);
CREATE INDEX order_events_by_order ON order_events (store_id, order_id, event_id);

CREATE FUNCTION order_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.at < now() - interval '12 months' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'order events are append-only' USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER order_events_append_only BEFORE UPDATE OR DELETE ON order_events
    FOR EACH ROW EXECUTE FUNCTION order_events_append_only();

-- Exactly-once submission: a client key is claimed in the same transaction
-- as the order, with a hash of the request and the response to replay.
CREATE TABLE idempotency_keys (
    store_id         bigint NOT NULL REFERENCES stores,
    key              text NOT NULL CHECK (length(key) BETWEEN 8 AND 200),
    request_hash     bytea NOT NULL,
    response_status  integer,
    response_body    text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store_id, key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
