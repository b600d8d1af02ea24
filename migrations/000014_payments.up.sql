-- Payments (issue 15, Payments): what each provider was asked for, every verified webhook event
-- (its id is the dedup key) and every refund, with the providers' ids and amounts in minor units;
-- never card data. Shared by PostgreSQL and SQLite, so only their common SQL.
--
-- Refund state lives here (payments.refunded_minor, refunds), not in orders.status: SQLite cannot
-- add a value to the orders.status CHECK without rebuilding the table (and every index and foreign
-- key on it), so a refunded order stays CONFIRMED in orders, and what was given back is read from
-- these tables.
CREATE TABLE payments (
    provider             TEXT NOT NULL,
    provider_payment_id  TEXT NOT NULL,
    order_id             TEXT NOT NULL REFERENCES orders (id),
    amount_minor         BIGINT NOT NULL CHECK (amount_minor >= 0),
    currency             TEXT NOT NULL,
    status               TEXT NOT NULL CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED')),
    refunded_minor       BIGINT NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0),
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL,
    PRIMARY KEY (provider, provider_payment_id)
);
CREATE INDEX payments_order ON payments (order_id);

-- One row per provider event acted on. A replay (the provider retries, an attacker resends a
-- captured request within the signature's tolerance) finds its row and changes nothing.
CREATE TABLE payment_events (
    provider             TEXT NOT NULL,
    event_id             TEXT NOT NULL,
    event_type           TEXT NOT NULL,
    provider_payment_id  TEXT NOT NULL DEFAULT '',
    order_id             TEXT,
    outcome              TEXT NOT NULL,
    received_at          BIGINT NOT NULL,
    PRIMARY KEY (provider, event_id)
);
CREATE INDEX payment_events_order ON payment_events (order_id);

CREATE TABLE refunds (
    provider             TEXT NOT NULL,
    provider_refund_id   TEXT NOT NULL,
    provider_payment_id  TEXT NOT NULL,
    order_id             TEXT NOT NULL REFERENCES orders (id),
    amount_minor         BIGINT NOT NULL CHECK (amount_minor >= 0),
    currency             TEXT NOT NULL,
    reason               TEXT NOT NULL,
    status               TEXT NOT NULL,
    created_at           BIGINT NOT NULL,
    PRIMARY KEY (provider, provider_refund_id)
);
CREATE INDEX refunds_order ON refunds (order_id);
