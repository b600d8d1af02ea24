#pragma once
// OrderRepository decorator: database latency and errors per operation, order transitions,
// expiries and oversell-guard hits, counted where the truth changes (a successful SQL write).
#include "domain/booking_ports.hpp"
#include "metrics/metrics.hpp"

namespace boxoffice::metrics {

class MeteredOrderRepository final : public OrderRepository {
public:
    /// `dependency` names the database in labels ("postgresql", "sqlite").
    MeteredOrderRepository(OrderRepository& inner, Metrics& metrics, const std::string& dependency);

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
    OrderRepository& inner_;
    const BookingMetrics& booking_;
    const DependencyOp &create_, &find_, &transition_, &ordersOf_, &ticketsOf_, &expireDue_, &activeClaims_,
        &soldSeatCount_, &outboxDepth_;
};

}  // namespace boxoffice::metrics
