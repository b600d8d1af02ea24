DROP INDEX outbox_parked;
DROP INDEX outbox_published_at;
DROP INDEX outbox_claimed_by;
DROP INDEX outbox_waiting_by_aggregate;
DROP INDEX outbox_pending;
ALTER TABLE outbox DROP COLUMN parked_at;
ALTER TABLE outbox DROP COLUMN claimed_until;
ALTER TABLE outbox DROP COLUMN claimed_by;
