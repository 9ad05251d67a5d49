-- Staff accounts and access control. Accounts, sessions and failed-login
-- records are not store data: one person can work in several stores and an
-- admin in all of them, so these tables are global (reference tables when
-- sharded). What a person may do in a store lives in staff_store_roles, a
-- store-scoped table like every other: store_id leads its primary key.

CREATE TABLE staff (
    staff_id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email          text NOT NULL CHECK (length(email) BETWEEN 3 AND 254 AND email = btrim(email) AND position('@' IN email) > 1),
    display_name   text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
    -- bcrypt only ("$2a$…", "$2b$…", 60 characters); never the password.
    password_hash  text NOT NULL CHECK (password_hash ~ '^\$2[aby]\$[0-9]{2}\$[./A-Za-z0-9]{53}$'),
    -- An admin may act in every store, with a manager's rights.
    is_admin       boolean NOT NULL DEFAULT false,
    disabled       boolean NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL DEFAULT now()
);
-- Emails are unique whatever their case.
CREATE UNIQUE INDEX staff_email_key ON staff (lower(email));

CREATE TABLE staff_store_roles (
    store_id    bigint NOT NULL REFERENCES stores,
    staff_id    bigint NOT NULL REFERENCES staff ON DELETE CASCADE,
    role        text NOT NULL CHECK (role IN ('picker', 'handover', 'manager')),
    granted_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store_id, staff_id, role)
);
CREATE INDEX staff_store_roles_by_staff ON staff_store_roles (staff_id);

-- A signed-in browser. The cookie holds a random token; only its SHA-256 is
-- stored, so a copy of this table signs nobody in. The CSRF token goes into
-- every state-changing staff form of the session.
CREATE TABLE staff_sessions (
    token_hash    bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    staff_id      bigint NOT NULL REFERENCES staff ON DELETE CASCADE,
    csrf_token    text NOT NULL CHECK (length(csrf_token) >= 32),
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    -- Absolute end (created_at + 7 days); idleness (8 h) is judged from last_seen_at.
    expires_at    timestamptz NOT NULL,
    CHECK (expires_at > created_at)
);
CREATE INDEX staff_sessions_by_staff ON staff_sessions (staff_id);
CREATE INDEX staff_sessions_by_expiry ON staff_sessions (expires_at);

-- Failed logins inside the rate-limit window, by the email as typed
-- (lower-cased, whether or not an account has it) and by client address.
-- Rows older than the window are deleted whenever a failure is recorded, and
-- a refused attempt records nothing, so the table stays small.
CREATE TABLE staff_login_failures (
    failure_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email_key       text NOT NULL CHECK (length(email_key) <= 254),
    client_address  text NOT NULL CHECK (length(client_address) <= 100),
    failed_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX staff_login_failures_by_email ON staff_login_failures (email_key, failed_at);
CREATE INDEX staff_login_failures_by_address ON staff_login_failures (client_address, failed_at);
CREATE INDEX staff_login_failures_by_time ON staff_login_failures (failed_at);
