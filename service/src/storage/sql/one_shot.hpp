#pragma once
// Statements that cost one round trip on PostgreSQL.
//
// `sql.prepare << ...` makes SOCI's pg backend create a named server-side statement: PQprepare,
// then PQexecPrepared, then a DEALLOCATE when the statement is destroyed - three round trips for a
// statement run once, which is how the repositories use them. A one-time query (what `sql << ...`
// runs) is a single PQexecParams; this keeps that while still allowing a fetch loop over rows and
// repeated execute() with rebound values. SQLite prepares locally either way.
// It also keeps the repositories usable behind PgBouncer in transaction mode or RDS Proxy, which
// do not carry named statements across transactions.
#include <soci/soci.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

/// A PostgreSQL array literal of text elements ('{"a","b\"c"}'), for `CAST(:p AS text[])`: one
/// bound parameter carries every seat of an order, whatever their number.
inline std::string pgTextArray(const std::vector<std::string>& items) {
    std::string out = "{";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += ',';
        out += '"';
        for (const char c : items[i]) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        out += '"';
    }
    out += '}';
    return out;
}

/// A PostgreSQL array literal of integers, for `CAST(:p AS bigint[])`.
template <typename Int>
std::string pgIntArray(const std::vector<Int>& items) {
    std::string out = "{";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += ',';
        out += std::to_string(items[i]);
    }
    out += '}';
    return out;
}

}  // namespace boxoffice::sql
