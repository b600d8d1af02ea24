#pragma once
// Versioned migrations from migrations/NNNNNN_title.{up,down}.sql, embedded at build time.
#include <cstdint>
#include <string>
#include <vector>

#include "domain/result.hpp"
#include "storage/sql/database.hpp"

namespace boxoffice::sql {

struct Migration {
    std::int64_t version = 0;  // NNNNNN
    std::string name;          // title
    std::string up;
    std::string down;
};

/// The files of migrations/, compiled into the binary (generated source).
const std::vector<Migration>& embeddedMigrations();

struct MigrationState {
    std::int64_t version = 0;
    std::string name;
    bool applied = false;
    std::string checksum;           // sha256 hex of the up script
    bool checksumMismatch = false;  // applied, but the file changed since
    std::int64_t appliedAtMs = 0;
};

/// Applies and reverts migrations, recording versions with checksums in `schema_migrations`.
/// On PostgreSQL the whole run holds an advisory lock so replicas may run it at once.
class Migrator {
public:
    Migrator(Database& db, std::vector<Migration> migrations);

    Result<std::vector<MigrationState>> status();
    /// Applies every pending migration in order; returns how many were applied. Refuses
    /// (ValidationFailed, naming the version) when an applied migration's checksum changed.
    Result<int> up();
    /// Reverts the last `n` applied migrations (newest first); returns how many were reverted.
    Result<int> down(int n);
    /// Number of migrations not yet applied (0 when the schema is current).
    Result<int> pending();

private:
    Database& db_;
    std::vector<Migration> migrations_;
};

}  // namespace boxoffice::sql
