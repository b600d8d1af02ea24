-- The whole product's schema. One file for PostgreSQL 15 and SQLite 3.40, so only the common
-- subset is used: ids are TEXT (UUIDs made by the application), times BIGINT epoch milliseconds
-- (UTC), money BIGINT minor units, booleans INTEGER 0/1 guarded by CHECK.

CREATE TABLE venues (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    address     TEXT NOT NULL,
    timezone    TEXT NOT NULL,
    layout      TEXT NOT NULL, -- compact JSON of sections/rows; the seat map is derived from it
    seat_count  INTEGER NOT NULL CHECK (seat_count > 0),
    created_at  BIGINT NOT NULL
);

CREATE TABLE events (
    id           TEXT PRIMARY KEY,
    title        TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('concert', 'movie', 'sports', 'theatre', 'other')),
    description  TEXT NOT NULL DEFAULT '',
    image_url    TEXT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX events_kind_created_at ON events (kind, created_at);
CREATE INDEX events_created_at ON events (created_at);

CREATE TABLE shows (
    id              TEXT PRIMARY KEY,
    event_id        TEXT NOT NULL REFERENCES events (id),
    venue_id        TEXT NOT NULL REFERENCES venues (id),
    starts_at       BIGINT NOT NULL,
    local_date      TEXT NOT NULL, -- YYYY-MM-DD in the venue's time zone, for "shows on a day"
    sale_opens_at   BIGINT NOT NULL,
    sale_closes_at  BIGINT NOT NULL,
    currency        TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    CHECK (sale_opens_at < sale_closes_at)
);
CREATE INDEX shows_event_local_date_starts_at ON shows (event_id, local_date, starts_at);

CREATE TABLE show_prices (
    show_id       TEXT NOT NULL REFERENCES shows (id) ON DELETE CASCADE,
    tier          TEXT NOT NULL,
    amount_minor  BIGINT NOT NULL CHECK (amount_minor >= 0),
    PRIMARY KEY (show_id, tier)
);

CREATE TABLE orders (
    id                 TEXT PRIMARY KEY,
    show_id            TEXT NOT NULL REFERENCES shows (id),
    user_id            TEXT NOT NULL,
    hold_id            TEXT NOT NULL,
    status             TEXT NOT NULL
                       CHECK (status IN ('PAYMENT_PENDING', 'CONFIRMED', 'FAILED', 'EXPIRED', 'CANCELLED')),
    amount_minor       BIGINT NOT NULL CHECK (amount_minor >= 0),
    currency           TEXT NOT NULL,
    customer_name      TEXT NOT NULL,
    customer_email     TEXT NOT NULL,
    customer_phone     TEXT,
    payment_reference  TEXT,
    trace_context      TEXT,
    expires_at         BIGINT NOT NULL,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    confirmed_at       BIGINT,
    -- A hold becomes at most one order, however often the client retries the checkout.
    CONSTRAINT orders_hold_id_unique UNIQUE (hold_id)
);
CREATE INDEX orders_user_created_at ON orders (user_id, created_at);
CREATE INDEX orders_status_expires_at ON orders (status, expires_at);
CREATE INDEX orders_show_status ON orders (show_id, status);

CREATE TABLE order_seats (
    order_id     TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    show_id      TEXT NOT NULL, -- copied from the order so the guard below needs no join
    seat_id      TEXT NOT NULL,
    tier         TEXT NOT NULL,
    price_minor  BIGINT NOT NULL CHECK (price_minor >= 0),
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    PRIMARY KEY (order_id, seat_id)
);
-- THE FINAL GUARD AGAINST OVERSELLING. Redis holds decide who gets a seat, but if they are ever
-- lost or wrong (failover, expiry race, a bug), the database still refuses a second live order
-- for the same seat of the same show: the second INSERT fails with a unique violation. A failed,
-- expired or cancelled order sets active = 0 on its rows, which frees the seat for a new order.
CREATE UNIQUE INDEX order_seats_one_active_per_seat ON order_seats (show_id, seat_id) WHERE active = 1;

CREATE TABLE tickets (
    code       TEXT PRIMARY KEY,
    order_id   TEXT NOT NULL REFERENCES orders (id),
    show_id    TEXT NOT NULL,
    seat_id    TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    issued_at  BIGINT NOT NULL,
    voided     INTEGER NOT NULL DEFAULT 0 CHECK (voided IN (0, 1))
);
-- At most one valid ticket per seat; a voided ticket no longer counts.
CREATE UNIQUE INDEX tickets_one_valid_per_seat ON tickets (show_id, seat_id) WHERE voided = 0;
CREATE INDEX tickets_user_issued_at ON tickets (user_id, issued_at);
CREATE INDEX tickets_order_id ON tickets (order_id);

-- Transactional outbox: written in the same transaction as the state change it announces,
-- published later by the relay, so an event is never lost nor sent for a rolled-back change.
CREATE TABLE outbox (
    id              TEXT PRIMARY KEY,
    aggregate_type  TEXT NOT NULL,
    aggregate_id    TEXT NOT NULL,
    event_type      TEXT NOT NULL,
    payload         TEXT NOT NULL,
    headers         TEXT NOT NULL DEFAULT '{}',
    created_at      BIGINT NOT NULL,
    available_at    BIGINT NOT NULL,
    published_at    BIGINT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT
);
-- Partial, so the relay's scan stays small however many published rows pile up.
CREATE INDEX outbox_unpublished ON outbox (available_at) WHERE published_at IS NULL;

CREATE TABLE idempotency_keys (
    user_id        TEXT NOT NULL,
    idem_key       TEXT NOT NULL,
    request_hash   TEXT NOT NULL,
    status_code    INTEGER, -- NULL while the first request is still in flight
    response_body  TEXT,
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    PRIMARY KEY (user_id, idem_key)
);
CREATE INDEX idempotency_keys_expires_at ON idempotency_keys (expires_at);
