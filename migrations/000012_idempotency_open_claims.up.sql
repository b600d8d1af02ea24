-- The sweeper clears claims whose lease passed without an answer (the request's process died, or
-- the answer could not be stored because the database went away after the request's own commit):
-- such a claim blocks nothing (the next retry takes it over), but left in place it reads "in
-- progress" for a day. Partial, so the sweeper's scan is over the few open claims, not every
-- remembered answer.
CREATE INDEX idempotency_keys_open_claims ON idempotency_keys (lease_until) WHERE status_code IS NULL;
