#include "storage/sql/sql_errors.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <string_view>

namespace boxoffice::sql {
namespace {

bool startsWith(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}
bool contains(std::string_view s, std::string_view part) {
    return s.find(part) != std::string_view::npos;
}

Error unavailable(std::string internal) {
    return Error::of(ErrorCode::DependencyUnavailable, "database unavailable", std::move(internal));
}
// 40P01 deadlock_detected, 40001 serialization_failure: PostgreSQL rolled the transaction back
// to let a conflicting one through (a migration's or an operator's table locks, for one). Nothing
// of it was applied and running it again may succeed: a 503 the client may retry.
Error abortedByConflict(std::string internal) {
    return Error::of(ErrorCode::DependencyUnavailable, "database busy; retry", std::move(internal));
}
Error timedOut(std::string internal) {
    return Error::of(ErrorCode::DependencyTimeout, "database timed out", std::move(internal));
}
// The constraint that refused a write is typed in Error::fault; the words before the server's
// message in `internal` are for whoever reads the log, and nothing tests them.
Error constraintViolation(StoreFault fault, ErrorCode code, std::string detail, std::string_view label,
                          std::string_view message) {
    Error e = Error::of(code, std::move(detail), std::string(label) + ": " + std::string(message));
    e.fault = fault;
    return e;
}
Error uniqueViolation(std::string_view message) {
    return constraintViolation(StoreFault::UniqueViolation, ErrorCode::Conflict, "conflicts with existing data",
                               "unique_violation", message);
}
Error foreignKeyViolation(std::string_view message) {
    return constraintViolation(StoreFault::ForeignKeyViolation, ErrorCode::Conflict,
                               "refers to missing data or is still referenced", "foreign_key_violation", message);
}
Error checkViolation(std::string_view message) {
    return constraintViolation(StoreFault::CheckViolation, ErrorCode::ValidationFailed,
                               "a value is out of its allowed range", "check_violation", message);
}

// SOCI throws a plain soci_error (category unknown) when PQconnectdb / sqlite3_open fail, so the
// message is the only way to tell a refused connection from a bad statement.
bool isConnectFailureMessage(std::string_view message) {
    return contains(message, "Cannot establish connection to the database");
}

// Class 08 is "connection exception"; 57P01-57P03 are the server shutting down or not yet
// accepting connections (also what pg_terminate_backend sends): the session is unusable either way.
bool isConnectionSqlstate(std::string_view state) {
    return startsWith(state, "08") || state == "57P01" || state == "57P02" || state == "57P03";
}

Error fromPostgres(const soci::postgresql_soci_error& e) {
    return fromPostgresState(e.sqlstate(), e.what(), e.get_error_category() == soci::soci_error::connection_error);
}

Error fromSqlite(const soci::sqlite3_soci_error& e) {
    // The connection enables extended result codes; the low byte is the primary code either way.
    const int code = e.result();
    const int primary = code & 0xff;
    const std::string message = e.what();
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return timedOut(message);
    if (primary == SQLITE_CANTOPEN || primary == SQLITE_NOTADB) return unavailable(message);
    // Only the extended result code (configureSqlite turns them on; SOCI 4.0.3 passes the step's,
    // the prepare's and the commit's through) says which constraint refused: a message that reads
    // like one (a trigger's RAISE, say) is not it.
    if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY) return uniqueViolation(message);
    if (code == SQLITE_CONSTRAINT_FOREIGNKEY) return foreignKeyViolation(message);
    if (code == SQLITE_CONSTRAINT_CHECK) return checkViolation(message);
    if (contains(message, "database is locked") || contains(message, "database table is locked")) {
        return timedOut(message);
    }
    if (isConnectFailureMessage(message)) return unavailable(message);
    return Error::internalError("sqlite result " + std::to_string(code) + ": " + message);
}

Error fromSoci(const soci::soci_error& e) {
    const std::string message = e.what();
    if (e.get_error_category() == soci::soci_error::connection_error || isConnectFailureMessage(message)) {
        return unavailable(message);
    }
    // Outside the backends' typed exceptions there is no result code to tell a constraint by.
    if (contains(message, "database is locked")) return timedOut(message);
    return Error::internalError(message);
}

}  // namespace

Error fromPostgresState(const std::string& state, const std::string& message, bool connectionLost) {
    if (connectionLost || isConnectionSqlstate(state)) return unavailable(message);
    if (state == "53300") return unavailable(message);  // too_many_connections
    // 57014 query_canceled is what statement_timeout raises; 55P03 is lock_timeout.
    if (state == "57014" || state == "55P03") return timedOut(message);
    if (isPgConflictAbortSqlstate(state)) return abortedByConflict(message);
    if (state == "23505") return uniqueViolation(message);
    if (state == "23503") return foreignKeyViolation(message);
    if (state == "23514") return checkViolation(message);
    return Error::internalError("postgresql sqlstate " + state + ": " + message);
}

bool isPgConnectionSqlstate(const std::string& state) {
    return isConnectionSqlstate(state);
}

bool isPgConflictAbortSqlstate(const std::string& state) {
    return state == "40P01" || state == "40001";
}

Error translateException(const std::exception_ptr& e) noexcept {
    try {
        try {
            std::rethrow_exception(e);
        } catch (const soci::postgresql_soci_error& pe) {
            return fromPostgres(pe);
        } catch (const soci::sqlite3_soci_error& se) {
            return fromSqlite(se);
        } catch (const soci::soci_error& se) {
            return fromSoci(se);
        } catch (const std::exception& ex) {
            return Error::internalError(ex.what());
        } catch (...) {
            return Error::internalError("non-standard exception from the database layer");
        }
    } catch (...) {
        // Building the Error itself failed (out of memory); keep the promise of no exceptions.
        return Error::of(ErrorCode::Internal, {});
    }
}

bool isConnectionLoss(const std::exception_ptr& e) noexcept {
    try {
        std::rethrow_exception(e);
    } catch (const soci::postgresql_soci_error& pe) {
        return isConnectionSqlstate(pe.sqlstate()) || pe.get_error_category() == soci::soci_error::connection_error;
    } catch (const soci::soci_error& se) {
        return se.get_error_category() == soci::soci_error::connection_error || isConnectFailureMessage(se.what());
    } catch (...) {
        return false;
    }
}

Error poolExhausted(std::chrono::milliseconds waited) {
    return unavailable("database pool exhausted: no free session within " + std::to_string(waited.count()) + " ms");
}

Error databaseUnavailable(std::string internal) {
    return unavailable(std::move(internal));
}

}  // namespace boxoffice::sql
