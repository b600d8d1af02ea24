-- Refunds by policy (issue 15): a show's refund policy, set by an admin (PUT
-- /v1/shows/{id}/refund-policy; no row: the configured default, BOXOFFICE_REFUND_POLICY), and the
-- key of the request that asked for each refund the service started itself.
--
-- A refund is reserved before the provider is called: in one transaction its seats leave the order
-- (order_seats.active = 0, so they can be sold again), their tickets are voided, the payment's
-- refunded total grows and the refund row is written as 'pending' under request_key; then the
-- provider refunds under the same key (its idempotency key) and the row gets the provider's id and
-- status. Two concurrent requests for the same seats meet at the seats' rows: one reserves, the
-- other finds the reservation by its key and completes the same refund. Never a second refund.
-- One file for PostgreSQL and SQLite, as 000001.
CREATE TABLE refund_policies (
    show_id     TEXT PRIMARY KEY REFERENCES shows (id) ON DELETE CASCADE,
    tiers       TEXT NOT NULL, -- "7d:100,24h:50" (domain/refund_policy.hpp)
    updated_at  BIGINT NOT NULL,
    updated_by  TEXT NOT NULL
);
ALTER TABLE refunds ADD COLUMN request_key TEXT;
CREATE UNIQUE INDEX refunds_request_key ON refunds (provider, request_key) WHERE request_key IS NOT NULL;
