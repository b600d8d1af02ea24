-- An in-progress claim of an Idempotency-Key carries a lease and its owner: a process that dies
-- between claiming a key and storing the answer no longer blocks every retry until the key
-- expires (a day); once the lease has passed, a retry takes the key over and runs again. Only the
-- owner of the current claim may complete or abandon it.
ALTER TABLE idempotency_keys ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;
ALTER TABLE idempotency_keys ADD COLUMN claim_owner TEXT NOT NULL DEFAULT '';
