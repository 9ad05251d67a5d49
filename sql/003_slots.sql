-- Slot allocator: templates, slots, holds, bookings, roster, traffic and forecasts.
-- Every table is store-scoped: store_id leads its primary key and its foreign keys.
--
-- Capacity and re-planning (why two capacity numbers):
--   planned_*   what the roster and the forecast support now (recomputed by every re-plan);
--   capacity_*  what may be committed: the ceiling the conditional UPDATE of a hold checks,
--               and what CHECK (reserved <= capacity) protects.
-- Normally capacity = planned. When a re-plan lowers planned below what is already
-- reserved, capacity is set to GREATEST(planned, reserved): the CHECK still holds, nothing
-- more can be sold (reserved = capacity), and the shortfall reserved − planned is expressed
-- as at-risk bookings with minutes_missing. Every release (cancel, expiry) lowers capacity
-- back toward planned, so a freed place in an over-committed slot is never re-sold.
-- A slot is "at risk" exactly when reserved > planned (orders or minutes).

CREATE TABLE slot_templates (
    store_id         bigint PRIMARY KEY REFERENCES stores,
    slot_minutes     integer NOT NULL DEFAULT 15 CHECK (slot_minutes BETWEEN 5 AND 240),
    -- Picking window before the slot: orders are picked and staged during it.
    lead_minutes     integer NOT NULL DEFAULT 60 CHECK (lead_minutes BETWEEN 0 AND 1440),
    -- A slot can be booked until this long before it starts.
    cutoff_minutes   integer NOT NULL DEFAULT 120 CHECK (cutoff_minutes BETWEEN 0 AND 10080),
    fee_cents        integer NOT NULL DEFAULT 0 CHECK (fee_cents BETWEEN 0 AND 10000),
    horizon_days     integer NOT NULL DEFAULT 14 CHECK (horizon_days BETWEEN 1 AND 60),
    -- Size of a typical order, for capacity in orders (see SlotCapacityModel).
    lines_per_order  numeric(6, 2) NOT NULL DEFAULT 12 CHECK (lines_per_order > 0 AND lines_per_order <= 500),
    -- The wait promised at the counter (for 95% of customers).
    promise_minutes  numeric(6, 2) NOT NULL DEFAULT 5 CHECK (promise_minutes > 0 AND promise_minutes <= 60)
);

CREATE TABLE slots (
    store_id               bigint NOT NULL REFERENCES stores,
    slot_id                bigint GENERATED ALWAYS AS IDENTITY,
    starts_at              timestamptz NOT NULL,
    ends_at                timestamptz NOT NULL,
    status                 text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    planned_orders         integer NOT NULL DEFAULT 0 CHECK (planned_orders >= 0),
    planned_minutes        numeric(10, 2) NOT NULL DEFAULT 0 CHECK (planned_minutes >= 0),
    capacity_orders        integer NOT NULL DEFAULT 0,
    capacity_minutes       numeric(10, 2) NOT NULL DEFAULT 0,
    -- Holds and active bookings together.
    reserved_orders        integer NOT NULL DEFAULT 0 CHECK (reserved_orders >= 0),
    reserved_minutes       numeric(10, 2) NOT NULL DEFAULT 0 CHECK (reserved_minutes >= 0),
    busyness               text NOT NULL DEFAULT 'medium' CHECK (busyness IN ('low', 'medium', 'high')),
    expected_wait_minutes  numeric(6, 2) NOT NULL DEFAULT 0 CHECK (expected_wait_minutes >= 0),
    binding_constraint     text NOT NULL DEFAULT 'picking' CHECK (binding_constraint IN ('picking', 'handover')),
    computed_at            timestamptz,
    PRIMARY KEY (store_id, slot_id),
    UNIQUE (store_id, starts_at),
    CHECK (ends_at > starts_at),
    CONSTRAINT slot_capacity_covers_planned CHECK (capacity_orders >= planned_orders AND capacity_minutes >= planned_minutes),
    CONSTRAINT slot_not_overbooked CHECK (reserved_orders <= capacity_orders AND reserved_minutes <= capacity_minutes)
);

CREATE TABLE slot_holds (
    store_id    bigint NOT NULL,
    hold_id     uuid NOT NULL,
    slot_id     bigint NOT NULL,
    basket_id   uuid NOT NULL,
    orders      integer NOT NULL DEFAULT 1 CHECK (orders = 1),
    minutes     numeric(10, 2) NOT NULL CHECK (minutes > 0),
    expires_at  timestamptz NOT NULL,
    PRIMARY KEY (store_id, hold_id),
    -- One hold per basket: a new choice replaces the previous one.
    UNIQUE (store_id, basket_id),
    FOREIGN KEY (store_id, slot_id) REFERENCES slots
);
-- Lazy reclaim (expired holds of one slot) and the periodic sweep.
CREATE INDEX slot_holds_expiry ON slot_holds (store_id, slot_id, expires_at);
CREATE INDEX slot_holds_sweep ON slot_holds (expires_at);

CREATE TABLE slot_bookings (
    store_id               bigint NOT NULL,
    order_id               uuid NOT NULL,
    slot_id                bigint NOT NULL,
    orders                 integer NOT NULL DEFAULT 1 CHECK (orders = 1),
    minutes                numeric(10, 2) NOT NULL CHECK (minutes > 0),
    fee_cents              integer NOT NULL CHECK (fee_cents >= 0),
    status                 text NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'at-risk', 'cancelled')),
    promised_ready_at      timestamptz NOT NULL,
    promised_wait_minutes  numeric(6, 2) NOT NULL CHECK (promised_wait_minutes >= 0),
    minutes_missing        numeric(10, 2) CHECK (minutes_missing >= 0),
    booked_at              timestamptz NOT NULL,
    handed_over_at         timestamptz,
    actual_wait_minutes    numeric(8, 2) CHECK (actual_wait_minutes >= 0),
    PRIMARY KEY (store_id, order_id),
    FOREIGN KEY (store_id, slot_id) REFERENCES slots,
    CHECK ((status = 'at-risk') = (minutes_missing IS NOT NULL))
);
-- Re-plan walks a slot's bookings in booking order; promise rates group by slot.
CREATE INDEX slot_bookings_by_slot ON slot_bookings (store_id, slot_id, booked_at);
CREATE INDEX slot_bookings_at_risk ON slot_bookings (store_id) WHERE status = 'at-risk';

CREATE TABLE roster_shifts (
    store_id    bigint NOT NULL REFERENCES stores,
    shift_id    bigint GENERATED ALWAYS AS IDENTITY,
    staff_name  text NOT NULL CHECK (length(staff_name) BETWEEN 1 AND 100),
    role        text NOT NULL CHECK (role IN ('picker', 'handover')),
    starts_at   timestamptz NOT NULL,
    ends_at     timestamptz NOT NULL,
    PRIMARY KEY (store_id, shift_id),
    CHECK (ends_at > starts_at AND ends_at - starts_at <= interval '16 hours')
);
-- Capacity sums the shifts overlapping a window.
CREATE INDEX roster_shifts_time ON roster_shifts (store_id, role, starts_at);

CREATE TABLE traffic_observations (
    store_id  bigint NOT NULL REFERENCES stores,
    hour      timestamptz NOT NULL,
    source    text NOT NULL CHECK (source IN ('checkouts', 'door', 'pickups')),
    count     double precision NOT NULL CHECK (count >= 0 AND count < 1000000),
    PRIMARY KEY (store_id, hour, source)
);

CREATE TABLE busyness_forecasts (
    store_id   bigint NOT NULL REFERENCES stores,
    hour       timestamptz NOT NULL,
    mean       double precision NOT NULL CHECK (mean >= 0),
    p10        double precision NOT NULL CHECK (p10 >= 0),
    p50        double precision NOT NULL CHECK (p50 >= 0),
    p90        double precision NOT NULL CHECK (p90 >= 0),
    fitted_at  timestamptz NOT NULL,
    PRIMARY KEY (store_id, hour)
);
