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
///  - unique violation                        -> Conflict, internal "unique_violation: ..."
///  - foreign-key violation                   -> Conflict, internal "foreign_key_violation: ..."
///  - check violation                         -> ValidationFailed, internal "check_violation: ..."
///  - anything else                           -> Internal, internal = what()
Error translateException(const std::exception_ptr& e) noexcept;

/// True when the exception says the session's connection is gone, so the session must be
/// reconnected before it is used again (and an idempotent call may be retried once).
bool isConnectionLoss(const std::exception_ptr& e) noexcept;

/// No pooled session became free within the pool wait.
Error poolExhausted(std::chrono::milliseconds waited);

/// The database cannot be used; `internal` says why (for logs).
Error databaseUnavailable(std::string internal);

bool isUniqueViolation(const Error& e);
bool isForeignKeyViolation(const Error& e);

}  // namespace boxoffice::sql
