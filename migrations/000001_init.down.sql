-- Reverts 000001_init: children before parents, each object by name (no schema-wide drops).

DROP INDEX IF EXISTS idempotency_keys_expires_at;
DROP TABLE IF EXISTS idempotency_keys;

DROP INDEX IF EXISTS outbox_unpublished;
DROP TABLE IF EXISTS outbox;

DROP INDEX IF EXISTS tickets_order_id;
DROP INDEX IF EXISTS tickets_user_issued_at;
DROP INDEX IF EXISTS tickets_one_valid_per_seat;
DROP TABLE IF EXISTS tickets;

DROP INDEX IF EXISTS order_seats_one_active_per_seat;
DROP TABLE IF EXISTS order_seats;

DROP INDEX IF EXISTS orders_show_status;
DROP INDEX IF EXISTS orders_status_expires_at;
DROP INDEX IF EXISTS orders_user_created_at;
DROP TABLE IF EXISTS orders;

DROP TABLE IF EXISTS show_prices;

DROP INDEX IF EXISTS shows_event_local_date_starts_at;
DROP TABLE IF EXISTS shows;

DROP INDEX IF EXISTS events_created_at;
DROP INDEX IF EXISTS events_kind_created_at;
DROP TABLE IF EXISTS events;

DROP TABLE IF EXISTS venues;
