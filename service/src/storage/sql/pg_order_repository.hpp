#pragma once
#include "domain/booking_ports.hpp"
#include "storage/sql/database.hpp"

namespace boxoffice::sql {

/// OrderRepository on PostgreSQL. Every statement runs one way, through pg_statements.hpp (libpq,
/// one round trip, prepared per connection unless BOXOFFICE_DB_PREPARED=false), and every change
/// of an order is one autocommit statement (data-modifying CTEs: create, confirm and close are one
/// round trip each); only the sweeper's batch is a transaction (its outbox rows are built from the
/// orders it expired). The partial unique index order_seats_one_active_per_seat is what finally
/// refuses a second live order for a seat.
class PgOrderRepository final : public OrderRepository {
public:
    explicit PgOrderRepository(Database& db) : db_(db) {}

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
