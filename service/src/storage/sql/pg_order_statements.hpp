#pragma once
// The order repository's PostgreSQL statements (named, prepared once per connection unless
// BOXOFFICE_DB_PREPARED=false): the texts apart from the code that runs them.
#include "storage/sql/order_rows.hpp"
#include "storage/sql/pg_statements.hpp"

namespace boxoffice::sql::pg_order_sql {

// available_at = created_at: a new outbox row may go at once.
#define BOXOFFICE_PG_OUTBOX_VALUES(a, b, c, d, e, f, g) \
    "$" a ", $" b ", $" c ", $" d ", $" e ", $" f ", CAST($" g " AS BIGINT), CAST($" g " AS BIGINT)"
// A join's seat columns, then its ticket columns (voided tickets are skipped by the reader, not by
// `voided = 0` in the join: that predicate lets the planner, before any ANALYZE as in a sale on
// fresh tables, pick the partial index tickets_one_valid_per_seat and walk all of it per seat).
#define BOXOFFICE_SEAT_AND_TICKET_COLUMNS \
    "s.seat_id, s.tier, s.price_minor, t.code, t.show_id, t.user_id, t.issued_at, t.voided"

// The order, its seats (one array parameter each: any number of seats, one statement text) and
// its outbox row in one autocommit statement. A unique violation anywhere aborts all of it.
inline constexpr PgStatement kCreate{
    "bx_order_create",
    "WITH placed AS (INSERT INTO orders (" BOXOFFICE_ORDER_COLUMNS
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
    "$10, $11, $12, $13, $14, $15, $16) RETURNING id, show_id), "
    "seated AS (INSERT INTO order_seats (order_id, show_id, seat_id, tier, price_minor, active) "
    "SELECT placed.id, placed.show_id, s.seat_id, s.tier, s.price_minor, 1 FROM placed CROSS JOIN "
    "unnest(CAST($17 AS TEXT[]), CAST($18 AS TEXT[]), CAST($19 AS BIGINT[])) AS s(seat_id, tier, price_minor)) "
    "INSERT INTO " BOXOFFICE_OUTBOX_COLUMNS
    " SELECT " BOXOFFICE_PG_OUTBOX_VALUES("20", "21", "22", "23", "24", "25", "26")};
// After a unique violation: was it this order or its hold (a retried checkout)?
inline constexpr PgStatement kSameOrderOrHold{"bx_order_same",
                                              "SELECT COUNT(*) FROM orders WHERE id = $1 OR hold_id = $2"};
// ... or seats some active order of the show holds right now.
inline constexpr PgStatement kTakenSeats{"bx_order_taken",
                                         "SELECT seat_id FROM order_seats WHERE show_id = $1 AND active = 1 "
                                         "AND seat_id = ANY(CAST($2 AS TEXT[])) ORDER BY seat_id"};
// The order with its seats and their tickets in one statement, hence one snapshot.
inline constexpr PgStatement kFind{
    "bx_order_find", "SELECT " BOXOFFICE_ORDER_COLUMNS_OF(
                         "o") ", " BOXOFFICE_SEAT_AND_TICKET_COLUMNS
                              " FROM orders o LEFT JOIN order_seats s ON s.order_id = o.id "
                              "LEFT JOIN tickets t ON t.order_id = o.id AND t.seat_id = s.seat_id WHERE o.id = $1 "
                              "ORDER BY s.seat_id"};
// Confirmation, one autocommit statement: the UPDATE takes the row lock and its WHERE is
// re-checked on the latest row version once the lock is granted (READ COMMITTED), so "still
// pending and unexpired" is decided under the lock; tickets and the outbox row are written only
// from the row it changed, with show and user taken from that row, never from the caller. Of
// concurrent confirms, expiries and cancellations exactly one UPDATE matches.
inline constexpr PgStatement kConfirm{
    "bx_order_confirm",
    "WITH changed AS (UPDATE orders SET status = 'CONFIRMED', payment_reference = $1, confirmed_at = $2, "
    "updated_at = $2 WHERE id = $3 AND status = 'PAYMENT_PENDING' AND expires_at > $2 "
    "RETURNING " BOXOFFICE_ORDER_COLUMNS "), "
    "issued AS (INSERT INTO tickets (code, order_id, show_id, seat_id, user_id, issued_at, voided) "
    "SELECT t.code, changed.id, changed.show_id, t.seat_id, changed.user_id, t.issued_at, 0 FROM changed CROSS JOIN "
    "unnest(CAST($4 AS TEXT[]), CAST($5 AS TEXT[]), CAST($6 AS BIGINT[])) AS t(code, seat_id, issued_at)), "
    "announced AS (INSERT INTO " BOXOFFICE_OUTBOX_COLUMNS " SELECT " BOXOFFICE_PG_OUTBOX_VALUES(
        "7", "8", "9", "10", "11", "12", "13") " FROM changed) "
    "SELECT " BOXOFFICE_ORDER_COLUMNS_OF("changed") ", s.seat_id, s.tier, s.price_minor "
    "FROM changed LEFT JOIN order_seats s ON s.order_id = changed.id ORDER BY s.seat_id"};
// Expiry, cancellation, failure, one autocommit statement: the order leaves PAYMENT_PENDING and
// its seats are freed for the partial unique index in the same commit.
inline constexpr PgStatement kClose{
    "bx_order_close",
    "WITH changed AS (UPDATE orders SET status = $1, updated_at = $2 WHERE id = $3 AND status = 'PAYMENT_PENDING' "
    "RETURNING " BOXOFFICE_ORDER_COLUMNS "), "
    "freed AS (UPDATE order_seats SET active = 0 WHERE order_id IN (SELECT id FROM changed) "
    "RETURNING seat_id, tier, price_minor), "
    "announced AS (INSERT INTO " BOXOFFICE_OUTBOX_COLUMNS " SELECT " BOXOFFICE_PG_OUTBOX_VALUES(
        "4", "5", "6", "7", "8", "9", "10") " FROM changed) "
    "SELECT " BOXOFFICE_ORDER_COLUMNS_OF("changed") ", freed.seat_id, freed.tier, freed.price_minor "
    "FROM changed LEFT JOIN freed ON TRUE ORDER BY freed.seat_id"};
// What a refused change found, for its error: read after the fact, and only on that rare path.
inline constexpr PgStatement kState{"bx_order_state", "SELECT status, expires_at FROM orders WHERE id = $1"};
// A page of a user's orders with their seats and tickets, newest first, in one statement.
inline constexpr PgStatement kOrdersOfUser{
    "bx_orders_of_user",
    "WITH page AS (SELECT " BOXOFFICE_ORDER_COLUMNS
    " FROM orders WHERE user_id = $1 "
    "ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3) "
    "SELECT " BOXOFFICE_ORDER_COLUMNS_OF("o") ", " BOXOFFICE_SEAT_AND_TICKET_COLUMNS
                                              " FROM page o LEFT JOIN order_seats s ON s.order_id = o.id "
                                              "LEFT JOIN tickets t ON t.order_id = o.id AND t.seat_id = s.seat_id "
                                              "ORDER BY o.created_at DESC, o.id DESC, s.seat_id"};
inline constexpr PgStatement kTicketsOfUser{
    "bx_tickets_of_user",
    "SELECT code, order_id, show_id, seat_id, issued_at FROM tickets WHERE user_id = $1 AND voided = 0 "
    "ORDER BY issued_at DESC, order_id, seat_id LIMIT $2 OFFSET $3"};
// The sweeper's batch: the due orders expired and their seats freed in one statement, oldest
// first; sweepers on other replicas skip the rows this one holds instead of queueing behind them.
inline constexpr PgStatement kExpireDue{
    "bx_order_expire_due",
    "WITH due AS (SELECT id FROM orders WHERE status = 'PAYMENT_PENDING' AND expires_at <= $1 "
    "ORDER BY expires_at, id LIMIT $2 FOR UPDATE SKIP LOCKED), "
    "changed AS (UPDATE orders SET status = 'EXPIRED', updated_at = $1 WHERE id IN (SELECT id FROM due) "
    "AND status = 'PAYMENT_PENDING' RETURNING " BOXOFFICE_ORDER_COLUMNS "), "
    "freed AS (UPDATE order_seats SET active = 0 WHERE order_id IN (SELECT id FROM changed) "
    "RETURNING order_id, seat_id, tier, price_minor) "
    "SELECT " BOXOFFICE_ORDER_COLUMNS_OF("changed") ", freed.seat_id, freed.tier, freed.price_minor "
    "FROM changed LEFT JOIN freed ON freed.order_id = changed.id "
    "ORDER BY changed.expires_at, changed.id, freed.seat_id"};
// Their outbox rows, one array parameter per column.
inline constexpr PgStatement kInsertOutboxRows{
    "bx_outbox_rows",
    "INSERT INTO " BOXOFFICE_OUTBOX_COLUMNS
    " SELECT m.id, m.t, m.a, m.e, m.p, m.h, m.c, m.c FROM "
    "unnest(CAST($1 AS TEXT[]), CAST($2 AS TEXT[]), CAST($3 AS TEXT[]), CAST($4 AS TEXT[]), CAST($5 AS TEXT[]), "
    "CAST($6 AS TEXT[]), CAST($7 AS BIGINT[])) AS m(id, t, a, e, p, h, c)"};
inline constexpr PgStatement kActiveClaims{
    "bx_active_claims",
    "SELECT s.seat_id, o.id, o.user_id, o.status, o.expires_at FROM order_seats s "
    "JOIN orders o ON o.id = s.order_id WHERE s.show_id = $1 AND s.active = 1 ORDER BY s.seat_id"};
inline constexpr PgStatement kCountSold{"bx_count_sold",
                                        "SELECT COUNT(*) FROM order_seats s JOIN orders o ON o.id = s.order_id "
                                        "WHERE s.show_id = $1 AND s.active = 1 AND o.status = 'CONFIRMED'"};
inline constexpr PgStatement kCountUnpublished{"bx_outbox_depth",
                                               "SELECT COUNT(*) FROM outbox WHERE published_at IS NULL"};
#undef BOXOFFICE_PG_OUTBOX_VALUES
#undef BOXOFFICE_SEAT_AND_TICKET_COLUMNS

}  // namespace boxoffice::sql::pg_order_sql
