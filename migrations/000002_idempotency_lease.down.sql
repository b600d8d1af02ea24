-- Reverts 000002_idempotency_lease.
ALTER TABLE idempotency_keys DROP COLUMN claim_owner;
ALTER TABLE idempotency_keys DROP COLUMN lease_until;
