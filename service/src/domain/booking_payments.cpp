// The booking flow's side of payments: what a provider's verified webhook does to an order.
#include "domain/booking_service.hpp"

namespace boxoffice {

Result<Order> BookingService::confirmPaid(const OrderId& id, const std::string& paymentReference) {
    auto o = orders_.find(id);
    if (!o) return o;
    return confirm(o->userId, id, paymentReference, o->traceContext);
}

Result<Order> BookingService::failPayment(const OrderId& id) {
    auto o = orders_.find(id);
    if (!o) return o;
    if (o->status == OrderStatus::Failed) return o;
    if (o->status != OrderStatus::PaymentPending)
        return Error::of(ErrorCode::Conflict, "order is " + std::string(orderStatusName(o->status)));
    Order failed = *o;
    failed.status = OrderStatus::Failed;
    OrderTransition t{o->id,
                      OrderStatus::Failed,
                      clock_.nowMs(),
                      std::nullopt,
                      {},
                      message(failed, "order.payment_failed", o->traceContext)};
    auto r = orders_.transition(t);
    if (!r) {
        if (r.error().code != ErrorCode::Conflict) return r;
        auto current = orders_.find(id);  // moved meanwhile (confirmed, expired, cancelled, failed)
        if (!current) return current;
        if (current->status == OrderStatus::Failed) return current;
        return Error::of(ErrorCode::Conflict, "order is " + std::string(orderStatusName(current->status)));
    }
    std::vector<SeatId> seats;
    for (const auto& s : r->seats) seats.push_back(s.seatId);
    // A release that fails leaves the seats with the order until Inventory::releaseAt: late, never early.
    (void)inventory_.holds().releaseOrder(r->showId, r->id, r->userId, seats, clock_.nowMs());
    return r;
}

}  // namespace boxoffice
