#pragma once
// The driver connections under a SOCI session, for what SOCI does not expose (libpq's connection
// and transaction status, prepared statements; SQLite's extended result codes and autocommit).
// Each is only for a session of its own backend: SOCI's backend typeinfo is not exported, so the
// backend is cast, not checked. Null when the session is not connected.
#include <libpq-fe.h>

namespace soci {
class session;
}
namespace sqlite_api {
struct sqlite3;
}

namespace boxoffice::sql {

PGconn* pgConnectionOf(soci::session& session);
sqlite_api::sqlite3* sqliteConnectionOf(soci::session& session);

}  // namespace boxoffice::sql
