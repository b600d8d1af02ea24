#pragma once
// The schema step, explicit and before anything else uses the database (serve, relay, seed, and
// the tests' application): pending migrations are applied when `autoMigrate` is set (the default
// on the embedded database), otherwise their presence stops the start-up with a clear message.
#include "storage/sql/database.hpp"

namespace boxoffice::app {

/// Throws std::runtime_error with the reason when a migration fails, the schema version cannot
/// be read, or migrations are pending with `autoMigrate` off.
void prepareSchema(sql::Database& db, bool autoMigrate);

}  // namespace boxoffice::app
