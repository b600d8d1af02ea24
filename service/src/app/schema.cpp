#include "app/schema.hpp"

#include <stdexcept>
#include <string>

#include "storage/sql/migrator.hpp"
#include "util/log.hpp"

namespace boxoffice::app {

void prepareSchema(sql::Database& db, bool autoMigrate) {
    sql::Migrator migrator(db, sql::embeddedMigrations());
    if (autoMigrate) {
        auto applied = migrator.up();
        if (!applied)
            throw std::runtime_error("migration failed: " + applied.error().detail + " " + applied.error().internal);
        if (*applied > 0) log::info("migrations applied", {{"count", *applied}});
        return;
    }
    auto pending = migrator.pending();
    if (!pending) throw std::runtime_error("cannot read the schema version: " + pending.error().detail);
    if (*pending > 0)
        throw std::runtime_error(std::to_string(*pending) + " migration(s) pending: run `boxoffice migrate up` first");
}

}  // namespace boxoffice::app
