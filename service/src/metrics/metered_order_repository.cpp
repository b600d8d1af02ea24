#include "metrics/metered_order_repository.hpp"

#include "metrics/stopwatch.hpp"

namespace boxoffice::metrics {

MeteredOrderRepository::MeteredOrderRepository(OrderRepository& inner, Metrics& m, const std::string& dep)
    : inner_(inner),
      booking_(m.booking()),
      create_(m.dependencyOp(dep, "order_create")),
      find_(m.dependencyOp(dep, "order_find")),
      transition_(m.dependencyOp(dep, "order_transition")),
      ordersOf_(m.dependencyOp(dep, "orders_of_user")),
      ticketsOf_(m.dependencyOp(dep, "tickets_of_user")),
      expireDue_(m.dependencyOp(dep, "order_expire_due")),
      activeClaims_(m.dependencyOp(dep, "active_claims")),
      soldSeatCount_(m.dependencyOp(dep, "sold_seat_count")),
      outboxDepth_(m.dependencyOp(dep, "outbox_depth")) {}

Result<void> MeteredOrderRepository::create(const Order& order, const OutboxMessage& created) {
    Stopwatch w;
    auto r = inner_.create(order, created);
    note(create_, w, r);
    if (r) {
        booking_.transition(OrderStatus::PaymentPending);
    } else if (r.error().code == ErrorCode::SeatsUnavailable) {
        // The repository answers SeatsUnavailable only when the unique index over active seats
        // refused the insert: the hold store had let these seats through to a second order.
        booking_.oversellGuardHits->Increment();
    }
    return r;
}

Result<Order> MeteredOrderRepository::find(const OrderId& id) {
    Stopwatch w;
    return record(find_, w, inner_.find(id));
}

Result<Order> MeteredOrderRepository::transition(const OrderTransition& t) {
    Stopwatch w;
    auto r = inner_.transition(t);
    note(transition_, w, r);
    if (r) {
        booking_.transition(t.to);
        if (t.to == OrderStatus::Expired) booking_.orderExpiriesLazy->Increment();
    }
    return r;
}

Result<std::vector<Order>> MeteredOrderRepository::ordersOf(const UserId& user, int limit, int offset) {
    Stopwatch w;
    return record(ordersOf_, w, inner_.ordersOf(user, limit, offset));
}

Result<std::vector<Ticket>> MeteredOrderRepository::ticketsOf(const UserId& user, int limit, int offset) {
    Stopwatch w;
    return record(ticketsOf_, w, inner_.ticketsOf(user, limit, offset));
}

Result<std::vector<Order>> MeteredOrderRepository::expireDue(
    EpochMs now, int limit, const std::function<OutboxMessage(const Order&)>& message) {
    Stopwatch w;
    auto r = inner_.expireDue(now, limit, message);
    note(expireDue_, w, r);
    if (r && !r->empty()) {
        const auto n = static_cast<double>(r->size());
        booking_.transition(OrderStatus::Expired, n);
        booking_.orderExpiriesSweeper->Increment(n);
    }
    return r;
}

Result<std::vector<SeatClaim>> MeteredOrderRepository::activeClaims(const ShowId& show) {
    Stopwatch w;
    return record(activeClaims_, w, inner_.activeClaims(show));
}

Result<long long> MeteredOrderRepository::soldSeatCount(const ShowId& show) {
    Stopwatch w;
    return record(soldSeatCount_, w, inner_.soldSeatCount(show));
}

Result<long long> MeteredOrderRepository::outboxDepth() {
    Stopwatch w;
    return record(outboxDepth_, w, inner_.outboxDepth());
}

}  // namespace boxoffice::metrics
