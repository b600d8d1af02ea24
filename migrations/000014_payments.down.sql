DROP INDEX IF EXISTS refunds_order;
DROP TABLE IF EXISTS refunds;
DROP INDEX IF EXISTS payment_events_order;
DROP TABLE IF EXISTS payment_events;
DROP INDEX IF EXISTS payments_order;
DROP TABLE IF EXISTS payments;
