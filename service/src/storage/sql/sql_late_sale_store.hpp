#pragma once
// A late payment's second chance (issue 15): an EXPIRED or FAILED order taken back to CONFIRMED
// when its seats are still free, in statements valid on both PostgreSQL and SQLite.
#include "domain/payment_ports.hpp"
#include "storage/sql/database.hpp"

namespace boxoffice::sql {

class SqlLateSaleStore final : public LateSaleStore {
public:
    explicit SqlLateSaleStore(Database& db) : db_(db) {}
    Result<void> reinstate(const OrderTransition& t) override;

private:
    Database& db_;
};

}  // namespace boxoffice::sql
