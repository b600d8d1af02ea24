#include "storage/sql/pg_statements.hpp"

#include <soci/soci.h>

#include <charconv>
#include <stdexcept>
#include <string_view>

#include "storage/sql/native_handles.hpp"
#include "storage/sql/sql_errors.hpp"

namespace boxoffice::sql {
namespace {

// sqlstate 26000: "prepared statement ... does not exist".
constexpr std::string_view kUnknownStatement = "26000";

bool succeeded(const PGresult* r) {
    if (r == nullptr) return false;
    const auto status = PQresultStatus(r);
    return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

std::string sqlstateOf(const PGresult* r) {
    const char* state = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    return state != nullptr ? std::string(state) : std::string();
}

// libpq reports a lost connection without a sqlstate (or with class 08): either way the session
// must be reconnected.
DbStatus failure(PGconn* conn, const PGresult* result) {
    const std::string state = sqlstateOf(result);
    std::string message = result != nullptr ? PQresultErrorMessage(result) : "";
    if (message.empty()) message = PQerrorMessage(conn);
    const bool lost = PQstatus(conn) != CONNECTION_OK || isPgConnectionSqlstate(state);
    DbStatus s;
    s.fault = lost ? DbFault::ConnectionLost : isPgConflictAbortSqlstate(state) ? DbFault::Aborted : DbFault::Other;
    // The constraint that refused it, if any, is typed in s.error.fault by the one translation.
    s.error = fromPostgresState(state.empty() ? "XX000" : state, message, lost);
    return s;
}

DbStatus noConnection() {
    return {DbFault::ConnectionLost, fromPostgresState("08003", "no PostgreSQL connection", true)};
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

PgOutcome pgExec(soci::session& session, const PgStatement& statement, const PgParams& params, bool prepared) {
    PGconn* conn = pgConnectionOf(session);
    if (conn == nullptr) return noConnection();
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    const int n = static_cast<int>(values.size());

    if (PQtransactionStatus(conn) != PQTRANS_IDLE) {
        PgRows rows(PQexecParams(conn, statement.text, n, nullptr, values.data(), nullptr, nullptr, 0));
        if (succeeded(rows.result())) return rows;
        return failure(conn, rows.result());
    }
    // Outside a transaction block a failed attempt changed nothing, so it may be run again: once
    // after preparing a statement the connection did not know, once after a deadlock abort.
    bool reprepared = false;
    bool rerun = false;
    for (;;) {
        PgRows rows(prepared ? PQexecPrepared(conn, statement.name, n, values.data(), nullptr, nullptr, 0)
                             : PQexecParams(conn, statement.text, n, nullptr, values.data(), nullptr, nullptr, 0));
        if (succeeded(rows.result())) return rows;
        const std::string state = sqlstateOf(rows.result());
        if (prepared && !reprepared && state == kUnknownStatement) {
            reprepared = true;
            PgRows made(PQprepare(conn, statement.name, statement.text, n, nullptr));
            if (!succeeded(made.result())) return failure(conn, made.result());
            continue;
        }
        DbStatus status = failure(conn, rows.result());
        if (status.fault != DbFault::Aborted || rerun) return status;
        rerun = true;
    }
}

std::string pgTextArray(const std::vector<std::string>& items) {
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

std::string pgIntArray(const std::vector<long long>& items) {
    std::string out = "{";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += ',';
        out += std::to_string(items[i]);
    }
    out += '}';
    return out;
}

PgOutcome pgCommand(soci::session& session, const char* command) {
    PGconn* conn = pgConnectionOf(session);
    if (conn == nullptr) return noConnection();
    PgRows rows(PQexec(conn, command));
    if (succeeded(rows.result())) return rows;
    return failure(conn, rows.result());
}

}  // namespace boxoffice::sql
