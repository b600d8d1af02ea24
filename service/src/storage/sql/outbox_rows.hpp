#pragma once
// The one writer of outbox rows. Payments, late sales and SQLite's order repository add a message
// with insertOutbox() inside their own transaction. PostgreSQL's order repository writes the same
// columns (BOXOFFICE_OUTBOX_COLUMNS) from within its single-statement changes
// (pg_order_statements.hpp), so that an order and its message stay one round trip; it takes the
// headers column from outboxHeaders() like insertOutbox() does.
#include <string>

#include "domain/booking.hpp"

namespace soci {
class session;
}

namespace boxoffice::sql {

/// `m` as an outbox row that may be sent at once (available_at = created_at).
void insertOutbox(soci::session& sql, const OutboxMessage& m);

/// The headers column of `m`: its JSON object, "{}" when it has none (the column is NOT NULL).
std::string outboxHeaders(const OutboxMessage& m);

}  // namespace boxoffice::sql
