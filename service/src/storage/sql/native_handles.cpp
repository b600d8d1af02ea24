#include "storage/sql/native_handles.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

namespace boxoffice::sql {

PGconn* pgConnectionOf(soci::session& session) {
    auto* backend = static_cast<soci::postgresql_session_backend*>(session.get_backend());
    return backend != nullptr ? backend->conn_ : nullptr;
}

sqlite_api::sqlite3* sqliteConnectionOf(soci::session& session) {
    auto* backend = static_cast<soci::sqlite3_session_backend*>(session.get_backend());
    return backend != nullptr ? backend->conn_ : nullptr;
}

}  // namespace boxoffice::sql
