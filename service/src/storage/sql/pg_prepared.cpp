#include "storage/sql/pg_prepared.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <charconv>
#include <stdexcept>

namespace boxoffice::sql {
namespace {

// sqlstate 26000: "prepared statement ... does not exist".
constexpr std::string_view kUnknownStatement = "26000";

// libpq reports a lost connection without a sqlstate: class 08 lets sql_errors.cpp and Database
// see it as one; anything else unexplained is an internal error (XX000).
[[noreturn]] void fail(PGconn* conn, const PGresult* result) {
    const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    std::string message = result != nullptr ? PQresultErrorMessage(result) : "";
    if (message.empty()) message = PQerrorMessage(conn);
    if (state == nullptr || std::string_view(state).size() != 5) {
        state = PQstatus(conn) != CONNECTION_OK ? "08006" : "XX000";
    }
    throw soci::postgresql_soci_error(message, state);
}

bool succeeded(const PGresult* r) {
    if (r == nullptr) return false;
    const auto status = PQresultStatus(r);
    return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

}  // namespace

std::string PgRows::text(int row, int col) const {
    return {PQgetvalue(result_, row, col), static_cast<std::size_t>(PQgetlength(result_, row, col))};
}

long long PgRows::integer(int row, int col) const {
    const char* v = PQgetvalue(result_, row, col);
    const char* end = v + PQgetlength(result_, row, col);
    long long out = 0;
    const auto [ptr, ec] = std::from_chars(v, end, out);
    if (ec != std::errc{} || ptr != end) {
        throw std::runtime_error("column " + std::to_string(col) + " is not an integer: '" + std::string(v, end) + "'");
    }
    return out;
}

std::optional<std::string> PgRows::optionalText(int row, int col) const {
    if (null(row, col)) return std::nullopt;
    return text(row, col);
}

std::optional<long long> PgRows::optionalInteger(int row, int col) const {
    if (null(row, col)) return std::nullopt;
    return integer(row, col);
}

PgRows pgExecPrepared(soci::session& session, const PgStatement& statement, const PgParams& params) {
    auto* backend = static_cast<soci::postgresql_session_backend*>(session.get_backend());
    if (backend == nullptr || backend->conn_ == nullptr) {
        throw soci::postgresql_soci_error("no PostgreSQL connection", "08003");
    }
    PGconn* conn = backend->conn_;
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    const int n = static_cast<int>(values.size());

    for (int attempt = 0;; ++attempt) {
        PgRows rows(PQexecPrepared(conn, statement.name, n, values.data(), nullptr, nullptr, 0));
        if (succeeded(rows.result())) return rows;
        const PGresult* r = rows.result();
        const char* state = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
        if (attempt > 0 || state == nullptr || kUnknownStatement != state) fail(conn, r);
        // Outside a transaction block the failed attempt changed nothing: prepare and run again.
        PgRows prepared(PQprepare(conn, statement.name, statement.text, n, nullptr));
        if (!succeeded(prepared.result())) fail(conn, prepared.result());
    }
}

}  // namespace boxoffice::sql
