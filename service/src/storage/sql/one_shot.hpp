#pragma once
// SOCI statements that stay one-time queries: one unnamed round trip on PostgreSQL, like
// `sql << ...`, while still allowing a fetch loop over rows, an affected-row count and repeated
// execute() with rebound values. SQLite prepares locally either way. Why every store outside the
// order repository runs its statements this way, and never with `sql.prepare << ...`: the one
// stance on statements and connection poolers, in pg_statements.hpp.
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
