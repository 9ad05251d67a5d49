-- Customer notices: "ready", "your slot is at risk", "come now". Each is written here
-- (an outbox) in the transaction of the event that causes it, so a notice exists exactly
-- when its event committed; a worker then delivers it by e-mail (see Sources/Notices).
--
-- Delivery states:
--   pending     waiting for its next_attempt_at
--   sending     leased by a worker until next_attempt_at; a worker that died mid-send
--               leaves it here, and it is taken again once the lease has run out
--   sent        the SMTP server accepted it (sent_at)
--   failed      refused for good, or max attempts reached: kept, shown, not retried
--   no_address  nothing to deliver to (phone-only or erased contact): shown on the order page only

CREATE TABLE order_notices (
    store_id         bigint NOT NULL,
    notice_id        bigint GENERATED ALWAYS AS IDENTITY,
    order_id         uuid NOT NULL,
    kind             text NOT NULL CHECK (kind IN ('ready', 'at_risk', 'come_now')),
    -- The slot the notice is about (the order's slot when it was written): an order moved
    -- to another slot can be told again, but one event never makes two notices.
    slot_id          bigint NOT NULL,
    subject          text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
    body             text NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
    created_at       timestamptz NOT NULL,
    status           text NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'no_address')),
    attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  timestamptz,
    last_error       text CHECK (length(last_error) <= 500),
    sent_at          timestamptz,
    PRIMARY KEY (store_id, notice_id),
    -- Also the order page's index (an order's notices).
    UNIQUE (store_id, order_id, kind, slot_id),
    FOREIGN KEY (store_id, order_id) REFERENCES orders,
    FOREIGN KEY (store_id, slot_id) REFERENCES slots,
    CHECK ((status IN ('pending', 'sending')) = (next_attempt_at IS NOT NULL)),
    CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);
-- The worker's pop: what is due (or whose lease ran out), oldest due first.
CREATE INDEX order_notices_due ON order_notices (next_attempt_at, store_id, notice_id)
    WHERE status IN ('pending', 'sending');
-- The come-now job looks across stores for ready orders whose slot nears; few orders are
-- ready at any moment, so this stays small.
CREATE INDEX orders_ready_by_slot ON orders (slot_starts_at) WHERE status = 'ready';
