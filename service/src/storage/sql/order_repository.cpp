#include "storage/sql/order_repository.hpp"

#include "storage/sql/pg_order_repository.hpp"
#include "storage/sql/sqlite_order_repository.hpp"

namespace boxoffice::sql {

std::unique_ptr<OrderRepository> makeOrderRepository(Database& db) {
    if (db.dialect() == Dialect::Postgres) return std::make_unique<PgOrderRepository>(db);
    return std::make_unique<SqliteOrderRepository>(db);
}

}  // namespace boxoffice::sql
