#pragma once
// The OrderRepository of a database's dialect: one strategy per dialect, one file each
// (pg_order_repository.cpp, sqlite_order_repository.cpp).
#include <memory>

#include "domain/booking_ports.hpp"
#include "storage/sql/database.hpp"

namespace boxoffice::sql {

std::unique_ptr<OrderRepository> makeOrderRepository(Database& db);

}  // namespace boxoffice::sql
