-- A show's own rate limits, set by an admin (PUT /v1/shows/{id}/rate-limits): one row per
-- overridden rate; a budget and scope without a row keep the configured default
-- (BOXOFFICE_RATE_LIMIT_*). Every replica reloads the whole table every few seconds (it stays
-- small), so a request never reads it. One file for PostgreSQL and SQLite, as 000001.
CREATE TABLE show_rate_limits (
    show_id      TEXT NOT NULL REFERENCES shows (id) ON DELETE CASCADE,
    budget       TEXT NOT NULL CHECK (budget IN ('holds', 'orders', 'reads')),
    scope        TEXT NOT NULL CHECK (scope IN ('user', 'ip')),
    limit_count  BIGINT NOT NULL CHECK (limit_count BETWEEN 1 AND 1000000),
    window_ms    BIGINT NOT NULL CHECK (window_ms BETWEEN 1000 AND 3600000),
    updated_at   BIGINT NOT NULL,
    updated_by   TEXT NOT NULL,
    PRIMARY KEY (show_id, budget, scope)
);
