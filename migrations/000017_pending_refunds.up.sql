-- Refunds left pending (issue 15): a refund is reserved in SQL before the provider is called
-- (000016); when that call fails and nobody asks again, the service's refund retrier finds the
-- pending rows by this index, oldest first, and completes them at the provider under their keys.
-- One file for PostgreSQL and SQLite, as 000001.
CREATE INDEX refunds_pending ON refunds (provider, created_at) WHERE status = 'pending';
