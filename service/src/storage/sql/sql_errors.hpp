#pragma once
// The one place where SOCI, libpq and SQLite failures become boxoffice::Error. Nothing else in the
// adapter inspects sqlstates or SQLite result codes.
#include <chrono>
#include <exception>
#include <string>

#include "domain/error.hpp"

namespace boxoffice::sql {

/// Translates an exception thrown while talking to the database (normally a soci::soci_error).
/// Client-facing `detail` never carries the database's own message; that goes to `internal`:
///  - connection refused / lost              -> DependencyUnavailable "database unavailable"
///  - statement timeout / cancel, SQLite busy -> DependencyTimeout "database timed out"
///  - deadlock or serialization failure       -> DependencyUnavailable "database busy; retry"
///                                              (PostgreSQL rolled the transaction back)
///  - unique violation (23505, SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY)
///                                            -> Conflict, fault StoreFault::UniqueViolation
///  - foreign-key violation                   -> Conflict, fault StoreFault::ForeignKeyViolation
///  - check violation                         -> ValidationFailed, fault StoreFault::CheckViolation
///  - anything else                           -> Internal, internal = what()
Error translateException(const std::exception_ptr& e) noexcept;

/// True when the exception says the session's connection is gone, so the session must be
/// reconnected before it is used again (and an idempotent call may be retried once).
bool isConnectionLoss(const std::exception_ptr& e) noexcept;

/// No pooled session became free within the pool wait.
Error poolExhausted(std::chrono::milliseconds waited);

/// The database cannot be used; `internal` says why (for logs).
Error databaseUnavailable(std::string internal);

/// The same table for a PostgreSQL sqlstate met without an exception (libpq directly,
/// pg_statements.hpp); `connectionLost` when libpq says the connection is gone.
Error fromPostgresState(const std::string& state, const std::string& message, bool connectionLost);
/// Class 08 and the shutdown states 57P01-57P03: the session is unusable.
bool isPgConnectionSqlstate(const std::string& state);
/// 40P01 deadlock_detected and 40001 serialization_failure: the server rolled the transaction
/// back to break a conflict; nothing of it was applied.
bool isPgConflictAbortSqlstate(const std::string& state);

}  // namespace boxoffice::sql
