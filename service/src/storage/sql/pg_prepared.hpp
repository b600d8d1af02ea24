#pragma once
// Server-side prepared statements that live as long as their connection, over libpq directly.
//
// SOCI's pg backend deallocates a prepared statement with the soci::statement that made it, and
// a one-time query is parsed and planned on every run. For the statements of the booking hot
// path, PostgreSQL spent about half its time in parse and plan. Prepared once per connection,
// each run is one PQexecPrepared round trip on a cached generic plan.
// Trap: named statements do not survive PgBouncer in transaction mode or RDS Proxy pinning rules;
// connect the service to PostgreSQL directly (or PgBouncer in session mode).
#include <libpq-fe.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace soci {
class session;
}

namespace boxoffice::sql {

/// A statement to prepare on each connection under `name`; `text` uses $1, $2, ... placeholders.
struct PgStatement {
    const char* name;
    const char* text;
};

/// Text-format parameters; nullopt is SQL NULL.
using PgParams = std::vector<std::optional<std::string>>;

/// The rows of one successful PQexecPrepared (text format), owned.
class PgRows {
public:
    explicit PgRows(PGresult* result) : result_(result) {}
    ~PgRows() { PQclear(result_); }
    PgRows(PgRows&& other) noexcept : result_(other.result_) { other.result_ = nullptr; }
    PgRows(const PgRows&) = delete;
    PgRows& operator=(const PgRows&) = delete;
    PgRows& operator=(PgRows&&) = delete;

    int size() const { return PQntuples(result_); }
    bool null(int row, int col) const { return PQgetisnull(result_, row, col) != 0; }
    std::string text(int row, int col) const;
    /// Throws std::runtime_error when the column is not an integer (a bug in the statement).
    long long integer(int row, int col) const;
    std::optional<std::string> optionalText(int row, int col) const;
    std::optional<long long> optionalInteger(int row, int col) const;
    const PGresult* result() const { return result_; }

private:
    PGresult* result_;
};

/// Runs `statement` with `params` on the PostgreSQL connection of `session` (one round trip),
/// preparing it on that connection first when the connection does not know it yet (new or
/// reconnected: sqlstate 26000). Failures throw soci::postgresql_soci_error, so the one sqlstate
/// translation (sql_errors.cpp) and Database's lost-connection handling apply unchanged.
/// Only for sessions of the postgresql backend, outside any transaction block of the caller's.
PgRows pgExecPrepared(soci::session& session, const PgStatement& statement, const PgParams& params);

}  // namespace boxoffice::sql
