#pragma once
#include "domain/booking_ports.hpp"
#include "storage/sql/database.hpp"

namespace boxoffice::sql {

/// OrderRepository on SQLite (the embedded default), over SOCI. SQLite has no data-modifying CTEs:
/// every change of an order is a short transaction of simple statements, opened with BEGIN
/// IMMEDIATE (Database::transact), so the whole database is write-locked before its first read.
/// Under that lock a check made first cannot be overtaken: create() looks for the hold's order
/// and for taken seats before it inserts, and needs no unique violation to tell them apart.
class SqliteOrderRepository final : public OrderRepository {
public:
    explicit SqliteOrderRepository(Database& db) : db_(db) {}

    Result<void> create(const Order& order, const OutboxMessage& created) override;
    Result<Order> find(const OrderId& id) override;
    Result<Order> transition(const OrderTransition& t) override;
    Result<std::vector<Order>> ordersOf(const UserId& user, int limit, int offset) override;
    Result<std::vector<Ticket>> ticketsOf(const UserId& user, int limit, int offset) override;
    Result<std::vector<Order>> expireDue(EpochMs now, int limit,
                                         const std::function<OutboxMessage(const Order&)>& message) override;
    Result<std::vector<SeatClaim>> activeClaims(const ShowId& show) override;
    Result<long long> soldSeatCount(const ShowId& show) override;
    Result<long long> outboxDepth() override;

private:
    Database& db_;
};

}  // namespace boxoffice::sql
