-- Stores, their hours, the product catalog and the virtual shelves.
-- products is reference data shared by every store (a reference table when
-- sharded); everything else is store-scoped with store_id leading its key.

ALTER TABLE stores
    ADD COLUMN address text NOT NULL DEFAULT '',
    ADD COLUMN phone text,
    ADD COLUMN slot_fee_cents integer NOT NULL DEFAULT 0 CHECK (slot_fee_cents BETWEEN 0 AND 10000),
    -- Fresh items are picked with at least this many days before their use-by date.
    ADD COLUMN freshness_days integer NOT NULL DEFAULT 3 CHECK (freshness_days BETWEEN 0 AND 60),
    -- Orders can be changed or cancelled until this long before their slot.
    ADD COLUMN change_cutoff_minutes integer NOT NULL DEFAULT 120 CHECK (change_cutoff_minutes BETWEEN 0 AND 10080),
    ADD COLUMN active boolean NOT NULL DEFAULT true;

-- Weekly opening hours in the store's local time; ISO weekday, 1 = Monday.
CREATE TABLE store_hours (
    store_id  bigint NOT NULL REFERENCES stores,
    weekday   smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    opens     time NOT NULL,
    closes    time NOT NULL,
    PRIMARY KEY (store_id, weekday, opens),
    CHECK (closes > opens)
);

CREATE TABLE store_closures (
    store_id  bigint NOT NULL REFERENCES stores,
    day       date NOT NULL,
    reason    text NOT NULL DEFAULT '',
    PRIMARY KEY (store_id, day)
);

CREATE TABLE products (
    product_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    gtin              text UNIQUE CHECK (gtin ~ '^[0-9]{8,14}$'),
    name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    brand             text NOT NULL DEFAULT '',
    size_text         text NOT NULL DEFAULT '',
    -- Net quantity in the unit shelf labels price by (kg, l or piece).
    net_quantity      numeric(10, 4) CHECK (net_quantity > 0),
    net_unit          text CHECK (net_unit IN ('kg', 'l', 'piece')),
    image_url         text,
    category          text NOT NULL,
    temperature_zone  text NOT NULL CHECK (temperature_zone IN ('ambient', 'chilled', 'frozen')),
    picking_seconds   integer NOT NULL DEFAULT 30 CHECK (picking_seconds BETWEEN 1 AND 3600),
    fresh             boolean NOT NULL DEFAULT false,
    ingredients       text,
    allergens         text[] NOT NULL DEFAULT '{}',
    nutrition         jsonb,
    origin            text,
    CHECK ((net_quantity IS NULL) = (net_unit IS NULL))
);

CREATE TABLE store_products (
    store_id       bigint NOT NULL REFERENCES stores,
    product_id     bigint NOT NULL REFERENCES products,
    price_cents    integer NOT NULL CHECK (price_cents BETWEEN 0 AND 1000000),
    stock_on_hand  integer NOT NULL DEFAULT 0 CHECK (stock_on_hand >= 0),
    -- Units promised to placed orders and not yet handed over.
    reserved       integer NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    aisle          text NOT NULL DEFAULT '',
    walk_sequence  integer NOT NULL DEFAULT 0,
    active         boolean NOT NULL DEFAULT true,
    PRIMARY KEY (store_id, product_id),
    CONSTRAINT stock_covers_reservations CHECK (reserved <= stock_on_hand)
);

CREATE TABLE shelves (
    store_id    bigint NOT NULL REFERENCES stores,
    shelf_id    bigint GENERATED ALWAYS AS IDENTITY,
    slug        text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 120),
    location    text NOT NULL DEFAULT '',
    paper       text NOT NULL DEFAULT 'a4' CHECK (paper IN ('a4', 'a3')),
    retired_at  timestamptz,
    PRIMARY KEY (store_id, shelf_id),
    UNIQUE (store_id, slug)
);

CREATE TABLE shelf_items (
    store_id    bigint NOT NULL,
    shelf_id    bigint NOT NULL,
    product_id  bigint NOT NULL,
    position    integer NOT NULL CHECK (position >= 0),
    -- Opaque code printed in the QR URL (/s/<code>): random, so it reveals
    -- nothing and cannot be walked into another store's data.
    code        text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9]{8,16}$'),
    PRIMARY KEY (store_id, shelf_id, product_id),
    FOREIGN KEY (store_id, shelf_id) REFERENCES shelves,
    FOREIGN KEY (store_id, product_id) REFERENCES store_products
);
