-- The relay's bookkeeping on the outbox. Several relays may run on one database (inside every
-- `boxoffice serve` replica, or as `boxoffice relay`): a relay claims a batch by writing its own
-- claim token and a lease deadline in one UPDATE (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite
-- serialises writers), so no two relays send the same row at the same time. A relay that dies
-- mid-batch loses its lease when claimed_until passes, and the rows go out again (at-least-once).
-- A row that keeps failing on its own (too large, refused by the queue) is parked: it stays for an
-- operator with its last_error, and leaves the relay's scan so it never blocks the rows behind it.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN claimed_until BIGINT;
ALTER TABLE outbox ADD COLUMN parked_at BIGINT;

-- The relay's scan: unsent, unparked rows by the time they may be tried.
CREATE INDEX outbox_pending ON outbox (available_at) WHERE published_at IS NULL AND parked_at IS NULL;
-- "No older row of this aggregate is still waiting" (per-order order), checked for every candidate.
CREATE INDEX outbox_waiting_by_aggregate ON outbox (aggregate_id, created_at)
    WHERE published_at IS NULL AND parked_at IS NULL;
-- Finding a claim's rows again, and pruning sent rows by age.
CREATE INDEX outbox_claimed_by ON outbox (claimed_by) WHERE claimed_by IS NOT NULL;
CREATE INDEX outbox_published_at ON outbox (published_at) WHERE published_at IS NOT NULL;
CREATE INDEX outbox_parked ON outbox (parked_at) WHERE parked_at IS NOT NULL;
