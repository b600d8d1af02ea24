#pragma once
// Statements that cost one round trip on PostgreSQL.
//
// `sql.prepare << ...` makes SOCI's pg backend create a named server-side statement: PQprepare,
// then PQexecPrepared, then a DEALLOCATE when the statement is destroyed - three round trips for a
// statement run once, which is how the repositories use them. A one-time query (what `sql << ...`
// runs) is a single PQexecParams; this keeps that while still allowing a fetch loop over rows and
// repeated execute() with rebound values. SQLite prepares locally either way.
// The repositories that use it (catalog, idempotency, outbox, rate limits) stay usable behind
// PgBouncer in transaction mode or RDS Proxy as they are; the order repository prepares its
// statements unless BOXOFFICE_DB_PREPARED=false (pg_statements.hpp).
#include <soci/soci.h>

#include <string>
#include <utility>

namespace boxoffice::sql {

/// Prepares `st`, whose intos and uses are exchanged already, as a one-time query.
inline void prepareOneShot(soci::statement& st, const std::string& query) {
    st.alloc();
    st.prepare(query, soci::details::st_one_time_query);
    st.define_and_bind();
}

/// A statement over `query` bound to `exchanges` (soci::into / soci::use), ready to execute().
template <typename... Exchange>
soci::statement oneShot(soci::session& sql, const std::string& query, Exchange&&... exchanges) {
    soci::statement st(sql);
    (st.exchange(std::forward<Exchange>(exchanges)), ...);
    prepareOneShot(st, query);
    return st;
}

}  // namespace boxoffice::sql
