// The booking flow's side of payments: what a provider's verified webhook does to an order.
#include "domain/booking_service.hpp"

#include "domain/hold_id.hpp"

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
    if (o->status != OrderStatus::PaymentPending) return orderIs(o->status);
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
        return orderIs(current->status);
    }
    // A release that fails leaves the seats with the order until Inventory::releaseAt: late, never early.
    (void)inventory_.holds().releaseOrder(r->showId, r->id, r->userId, seatIdsOf(*r), clock_.nowMs());
    return r;
}

Result<Order> BookingService::reseatLate(const OrderId& id, const std::string& paymentReference, LateSaleStore& late) {
    auto o = orders_.find(id);
    if (!o) return o;
    if (o->status != OrderStatus::Expired && o->status != OrderStatus::Failed) return orderIs(o->status);
    const EpochMs now = clock_.nowMs();
    const std::vector<SeatId> seats = seatIdsOf(*o);
    // All of the seats or none, exactly as a new hold takes them (the per-user cap counts too).
    HoldRequest request = newHoldRequest(o->showId, o->userId, now);
    request.seatIds = seats;
    auto held = inventory_.hold(request);
    if (!held) return std::move(held).error();
    if (held->kind != HoldResult::Kind::Held)
        return Error::of(ErrorCode::SeatsUnavailable, "the order's seats are no longer all free");
    auto attached = inventory_.holds().attachToOrder(request.holdId, o->userId, o->id,
                                                     inventory_.releaseAt(now + settings_.paymentWindow.count()), now);
    if (!attached || *attached != HoldChange::Done) {
        (void)inventory_.holds().release(request.holdId, o->userId, now);
        if (!attached) return std::move(attached).error();
        return Error::of(ErrorCode::SeatsUnavailable, "the order's seats are no longer all free");
    }
    OrderTransition t = confirmation(*o, paymentReference, now, o->traceContext);
    auto r = late.reinstate(t);
    if (!r) {
        // The store thought the seats free and SQL knew better: it is repaired from SQL.
        if (r.error().code == ErrorCode::SeatsUnavailable) inventory_.markSuspect(o->showId);
        (void)inventory_.holds().releaseOrder(o->showId, o->id, o->userId, seats, clock_.nowMs());
        return std::move(r).error();
    }
    auto now2 = orders_.find(id);
    if (!now2) return now2;
    recordSale(*now2);
    return withSignedCodes(std::move(now2));
}

}  // namespace boxoffice
