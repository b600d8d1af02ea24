#pragma once
#include "domain/booking_ports.hpp"
#include "storage/sql/database.hpp"

namespace boxoffice::sql {

/// OrderRepository over SOCI, on PostgreSQL and SQLite. On PostgreSQL every change of an order is
/// one autocommit statement, prepared once per connection (create, find, confirm and close are one
/// round trip each); SQLite runs the same changes as short transactions. The partial unique index
/// order_seats_one_active_per_seat is what finally refuses a second live order for a seat.
class SqlOrderRepository final : public OrderRepository {
public:
    explicit SqlOrderRepository(Database& db) : db_(db) {}

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
