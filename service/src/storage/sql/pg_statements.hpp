#pragma once
// The one way a PostgreSQL statement of the order repository runs: over libpq, one round trip,
// with text parameters, its failure returned (typed) rather than thrown.
//
// THE ADAPTER'S ONE STANCE ON STATEMENTS AND CONNECTION POOLERS (the other files refer here):
//  - The order repository's statements (the booking path) run through pgExec below. By default
//    (DatabaseOptions::preparedStatements, BOXOFFICE_DB_PREPARED=true) each is prepared once per
//    connection under its name and then run with PQexecPrepared on a cached plan: for the booking
//    statements PostgreSQL otherwise spent about half its time in parse and plan. Named statements
//    do not survive PgBouncer in transaction mode or RDS Proxy (the next transaction may run on
//    another server connection); there set BOXOFFICE_DB_PREPARED=false and every statement runs
//    unnamed (PQexecParams: parsed every time, still one round trip). Inside a transaction block
//    statements always run unnamed: a statement the connection does not know would abort it.
//  - Every other statement on PostgreSQL (catalog, payments, tickets, rate limits, waiting rooms,
//    refund policies, idempotency, outbox, late sales, metrics, the migrator) is a one-time query:
//    `sql << ...` or one_shot.hpp's oneShot() for a fetch loop or an affected-row count. That is
//    one unnamed PQexecParams (or PQexec), one round trip, whatever BOXOFFICE_DB_PREPARED says, so
//    those stores never create a named statement and work behind a pooler as they are.
//  - Never `sql.prepare << ...` or statement::prepare() without st_one_time_query: on PostgreSQL
//    SOCI makes that a named server-side statement (PQprepare, PQexecPrepared, DEALLOCATE: three
//    round trips for a statement run once, and the first two may land on different server
//    connections behind a pooler). tests/integration/statements_test.cpp checks a flow of every
//    store with BOXOFFICE_DB_PREPARED=false creates no named statement.
#include <libpq-fe.h>

#include <optional>
#include <string>
#include <vector>

#include "domain/error.hpp"

namespace soci {
class session;
}

namespace boxoffice::sql {

/// A statement with `$1, $2, ...` placeholders, prepared under `name` when prepared statements are on.
struct PgStatement {
    const char* name;
    const char* text;
};

/// Text-format parameters; nullopt is SQL NULL.
using PgParams = std::vector<std::optional<std::string>>;

/// The rows of one successful statement (text format), owned.
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
    /// Throws std::runtime_error when the column is not an integer: a bug in the statement, not
    /// a state of the database.
    long long integer(int row, int col) const;
    std::optional<std::string> optionalText(int row, int col) const;
    std::optional<long long> optionalInteger(int row, int col) const;
    const PGresult* result() const { return result_; }

private:
    PGresult* result_;
};

/// What a failed statement did to its session, for pgExec's retries and the callers that roll back.
/// Which constraint refused a write is the Error's own StoreFault (error.hpp), set by the one
/// sqlstate table (sql_errors.hpp) like every other error of the adapter.
enum class DbFault {
    ConnectionLost,  // the session must be reconnected before it is used again
    Aborted,         // sqlstate 40P01 / 40001: rolled back to break a deadlock; safe to run again
    Other,           // see error.code and error.fault (timeouts, a constraint, a bad statement, ...)
};

/// A failed statement: the fault and its Error (translated by sql_errors.hpp's one sqlstate table).
struct DbStatus {
    DbFault fault = DbFault::Other;
    Error error;
};

/// The rows of a statement, or why there are none.
class PgOutcome {
public:
    PgOutcome(PgRows rows) : rows_(std::move(rows)) {}          // NOLINT: implicit, like Result
    PgOutcome(DbStatus status) : status_(std::move(status)) {}  // NOLINT

    bool ok() const { return rows_.has_value(); }
    const PgRows& rows() const { return *rows_; }
    const DbStatus& status() const { return *status_; }
    bool is(DbFault fault) const { return status_ && status_->fault == fault; }

private:
    std::optional<PgRows> rows_;
    std::optional<DbStatus> status_;
};

/// Runs `statement` with `params` on the PostgreSQL connection of `session`: named (prepared on
/// that connection first when it does not know it yet: new or reconnected, sqlstate 26000) when
/// `prepared` and outside a transaction block, unnamed otherwise. Outside a transaction block a
/// statement the server aborted to break a deadlock (DbFault::Aborted) is run once more, as
/// PostgreSQL advises; inside one the caller's transaction is lost and the fault is returned.
/// Only for sessions of the postgresql backend.
PgOutcome pgExec(soci::session& session, const PgStatement& statement, const PgParams& params, bool prepared);

/// A PostgreSQL array literal of text elements ('{"a","b\"c"}'), for `CAST($n AS TEXT[])`: one
/// parameter carries every seat of an order, whatever their number.
std::string pgTextArray(const std::vector<std::string>& items);
/// A PostgreSQL array literal of integers, for `CAST($n AS BIGINT[])`.
std::string pgIntArray(const std::vector<long long>& items);

/// A statement without parameters or rows (BEGIN, COMMIT, ROLLBACK), one round trip.
PgOutcome pgCommand(soci::session& session, const char* command);

}  // namespace boxoffice::sql
