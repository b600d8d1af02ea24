-- A show's waiting room, set by an admin (PUT /v1/shows/{id}/waiting-room): one row per show that
-- has one; no row means no room. Only the settings live here: the queue itself is in Redis (or in
-- process on the embedded default). Every replica reloads the table every few seconds (it stays
-- small), so the hold path never reads it. One file for PostgreSQL and SQLite, as 000001.
CREATE TABLE waiting_rooms (
    show_id             TEXT PRIMARY KEY REFERENCES shows (id) ON DELETE CASCADE,
    enabled             SMALLINT NOT NULL CHECK (enabled IN (0, 1)),
    opens_at            BIGINT NOT NULL,
    admit_rate          BIGINT NOT NULL CHECK (admit_rate >= 0),
    max_active          BIGINT NOT NULL CHECK (max_active >= 0),
    admission_ttl_ms    BIGINT NOT NULL CHECK (admission_ttl_ms > 0),
    shopping_window_ms  BIGINT NOT NULL CHECK (shopping_window_ms > 0),
    updated_at          BIGINT NOT NULL,
    updated_by          TEXT NOT NULL
);
