#include "domain/booking_service.hpp"

#include <algorithm>

#include "domain/hold_id.hpp"
#include "util/rfc3339.hpp"
#include "util/sha256.hpp"

namespace boxoffice {
namespace {

// One order per hold, named by it: a retry of an order whose creation seemed to fail (a timeout
// after the commit) finds the order it already made instead of making a second one.
OrderId orderIdOf(const HoldId& hold) {
    std::string h = util::sha256Hex("order-of-hold:" + hold.str()).substr(0, 32);
    h[12] = '5';  // a name-based UUID (RFC 9562, version 5 layout)
    h[16] = "89ab"[std::stoi(std::string(1, h[16]), nullptr, 16) & 3];  // variant 10xx
    return OrderId{h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" +
                   h.substr(20)};
}

// The order as its event describes it: after the change, not before.
Order withStatus(Order o, OrderStatus status) {
    o.status = status;
    return o;
}

Error notFound(const char* what) {
    return Error::notFound(what);
}

Error notPending(const Order& o) {
    if (o.status == OrderStatus::Expired)
        return Error::of(ErrorCode::OrderExpired,
                         "the payment window of this order has closed; its seats were released");
    return orderIs(o.status);
}

}  // namespace

BookingService::BookingService(SeatMapService& seatmaps, Inventory& inventory, OrderRepository& orders,
                               const Clock& clock, IdGenerator& ids, const TicketCodeSigner& signer,
                               BookingSettings settings, HoldGate* gate)
    : seatmaps_(seatmaps),
      inventory_(inventory),
      orders_(orders),
      clock_(clock),
      ids_(ids),
      signer_(signer),
      settings_(settings),
      gate_(gate) {}

Result<Order> BookingService::placeOrder(const UserId& user, const HoldId& holdId, const Customer& customer,
                                         const std::string& traceContext) {
    auto hold = findHold(user, holdId);
    if (!hold) return std::move(hold).error();
    if (hold->status == HoldStatus::Ordered && hold->orderId) {
        // Ordered already: by a request whose answer was lost (a crash, a timeout after the
        // commit), which the client now retries. The order is the true outcome.
        auto existing = orders_.find(*hold->orderId);
        if (existing && existing->userId == user) return existing;
        if (!existing && existing.error().code != ErrorCode::NotFound) return std::move(existing).error();
        // Attached, never created (the process died in between): made again below, as long as
        // the order still owns the seats in the store (attachToOrder checks that).
        if (*hold->orderId != orderIdOf(holdId)) return Error::of(ErrorCode::HoldNotActive, "the hold is ORDERED");
    } else if (hold->status != HoldStatus::Held) {
        return Error::of(ErrorCode::HoldNotActive, "the hold is " + std::string(holdStatusName(hold->status)));
    }
    auto seating = seatmaps_.seating(hold->showId);
    if (!seating) return std::move(seating).error();
    const Show& show = (*seating)->show;
    const SeatIndex& seats = *(*seating)->seats;

    const EpochMs now = clock_.nowMs();
    Order order;
    order.id = orderIdOf(holdId);
    order.showId = hold->showId;
    order.userId = user;
    order.holdId = holdId;
    order.status = OrderStatus::PaymentPending;
    order.currency = show.currency;
    order.customer = customer;
    order.traceContext = traceContext;
    order.expiresAt = now + settings_.paymentWindow.count();
    order.createdAt = order.updatedAt = now;
    // The price comes from the show's tiers, never from the client.
    for (const auto& seatId : hold->seatIds) {
        const long pos = seats.find(seatId.str());
        if (pos < 0) return Error::internalError("held seat " + seatId.str() + " is not in the layout");
        const std::string& tier = seats.tierOf(seats.seats()[static_cast<std::size_t>(pos)]);
        auto price = show.priceOf(tier);
        if (!price) return Error::internalError("show " + show.id.str() + " has no price for tier " + tier);
        order.seats.push_back({seatId, tier, *price});
        order.amountMinor += *price;
    }

    // The store keeps the seats for the order until SQL frees them (see Inventory::releaseAt).
    auto attached =
        inventory_.holds().attachToOrder(holdId, user, order.id, inventory_.releaseAt(order.expiresAt), now);
    if (!attached) return std::move(attached).error();
    if (*attached == HoldChange::NotFound) return notFound("hold");
    if (*attached == HoldChange::NotHeld) return Error::of(ErrorCode::HoldNotActive, "the hold is no longer active");

    auto created = orders_.create(order, message(order, "order.created", traceContext));
    if (!created) {
        // A failure may still have committed (a timeout after the commit, or this order made by
        // an earlier attempt): what SQL holds is the answer.
        if (auto existing = orders_.find(order.id); existing && existing->userId == user) return existing;
        // Not created: the hold gets its seats back, so a retry can succeed. A refusal by the
        // final guard means the store did not know a seat was taken: it is repaired from SQL.
        if (created.error().code == ErrorCode::SeatsUnavailable) inventory_.markSuspect(order.showId);
        // The hold lives on for at least one more hold TTL (at most a minute) so the retry has time.
        const EpochMs keepUntil = clock_.nowMs() + std::min<EpochMs>(settings_.holdTtl.count(), 60'000);
        (void)inventory_.holds().detachFromOrder(holdId, user, order.id, keepUntil);
        return std::move(created).error();
    }
    return order;
}

Result<Order> BookingService::ownedOrder(const UserId& user, const OrderId& id) {
    auto o = orders_.find(id);
    if (!o) return o;
    if (o->userId != user) return notFound("order");
    return o;
}

Result<Order> BookingService::expire(const Order& order, const std::string& traceContext) {
    OrderTransition t{order.id,
                      OrderStatus::Expired,
                      clock_.nowMs(),
                      std::nullopt,
                      {},
                      message(withStatus(order, OrderStatus::Expired), "order.expired", traceContext)};
    auto r = orders_.transition(t);
    if (!r) {
        if (r.error().code == ErrorCode::Conflict) return orders_.find(order.id);  // someone else moved it first
        return r;
    }
    // A release that fails leaves the seats with the order until Inventory::releaseAt: late, never early.
    (void)inventory_.holds().releaseOrder(r->showId, r->id, r->userId, seatIdsOf(*r), clock_.nowMs());
    return r;
}

Result<Order> BookingService::order(const UserId& user, const OrderId& id) {
    auto o = ownedOrder(user, id);
    if (!o) return o;
    if (o->status == OrderStatus::PaymentPending && o->expiresAt <= clock_.nowMs()) return expire(*o, o->traceContext);
    return withSignedCodes(std::move(o));
}

Result<Order> BookingService::confirm(const UserId& user, const OrderId& id, const std::string& paymentReference,
                                      const std::string& traceContext) {
    return withSignedCodes(confirmOnce(user, id, paymentReference, traceContext));
}

Result<Order> BookingService::confirmOnce(const UserId& user, const OrderId& id, const std::string& paymentReference,
                                          const std::string& traceContext) {
    auto o = ownedOrder(user, id);
    if (!o) return o;
    if (o->status == OrderStatus::Confirmed) {
        // A retry: the first confirmation may have died between the commit and the store's sale.
        recordSale(*o);
        return o;
    }
    if (o->status != OrderStatus::PaymentPending) return notPending(*o);
    const EpochMs now = clock_.nowMs();
    if (o->expiresAt <= now) {
        auto expired = expire(*o, traceContext);
        if (!expired) return expired;
        if (expired->status == OrderStatus::Confirmed) return expired;
        return notPending(*expired);
    }
    OrderTransition t = confirmation(*o, paymentReference, now, traceContext);
    auto r = orders_.transition(t);
    if (!r) {
        if (r.error().code == ErrorCode::OrderExpired) {
            auto expired = expire(*o, traceContext);
            if (!expired) return expired;
            return notPending(*expired);
        }
        if (r.error().code == ErrorCode::Conflict) {
            // A concurrent confirm (or expiry) won the row: answer with what is stored.
            auto now2 = orders_.find(id);
            if (!now2) return now2;
            if (now2->status == OrderStatus::Confirmed) {
                recordSale(*now2);
                return now2;
            }
            return notPending(*now2);
        }
        return r;
    }
    recordSale(*r);
    return r;
}

OrderTransition BookingService::confirmation(const Order& o, const std::string& paymentReference, EpochMs now,
                                             const std::string& traceContext) {
    OrderTransition t{o.id, OrderStatus::Confirmed, now, paymentReference, {}, {}};
    for (const auto& seat : o.seats)
        t.tickets.push_back({ticketCodeOf(ids_.next()), seat.seatId, o.id, o.showId, o.userId, now, {}});
    Order confirmed = o;
    confirmed.status = OrderStatus::Confirmed;
    confirmed.tickets = t.tickets;
    sign(confirmed.tickets);  // the event carries the codes the QRs will show
    confirmed.paymentReference = paymentReference;
    t.message = message(confirmed, "order.confirmed", traceContext);
    return t;
}

void BookingService::recordSale(const Order& o) {
    // SQL holds the sale; the store must show it, or the seat map lies and the seat is held again.
    constexpr int kAttempts = 2;  // sell is idempotent: a second try costs nothing but time
    const auto seatIds = seatIdsOf(o);
    for (int attempt = 0; attempt < kAttempts; ++attempt)
        if (inventory_.holds().sell(o.showId, o.id, o.userId, seatIds, clock_.nowMs())) return;
    inventory_.markSuspect(o.showId);  // the reconciler restores the show from SQL
}

Result<Order> BookingService::cancel(const UserId& user, const OrderId& id, const std::string& traceContext) {
    auto o = ownedOrder(user, id);
    if (!o) return o;
    if (o->status == OrderStatus::Cancelled) return o;
    if (o->status != OrderStatus::PaymentPending) return notPending(*o);
    OrderTransition t{o->id,
                      OrderStatus::Cancelled,
                      clock_.nowMs(),
                      std::nullopt,
                      {},
                      message(withStatus(*o, OrderStatus::Cancelled), "order.cancelled", traceContext)};
    auto r = orders_.transition(t);
    if (!r) {
        if (r.error().code != ErrorCode::Conflict) return r;
        auto current = orders_.find(id);
        if (!current) return current;
        if (current->status == OrderStatus::Cancelled) return current;
        return notPending(*current);
    }
    (void)inventory_.holds().releaseOrder(r->showId, r->id, r->userId, seatIdsOf(*r), clock_.nowMs());
    return r;
}

Result<std::vector<Order>> BookingService::ordersOf(const UserId& user, int limit, int offset) {
    return orders_.ordersOf(user, limit, offset);
}

Result<std::vector<Ticket>> BookingService::ticketsOf(const UserId& user, int limit, int offset) {
    auto tickets = orders_.ticketsOf(user, limit, offset);
    if (tickets) sign(*tickets);
    return tickets;
}

Result<int> BookingService::sweep(int limit) {
    const EpochMs now = clock_.nowMs();
    auto expired =
        orders_.expireDue(now, limit, [this](const Order& o) { return message(o, "order.expired", o.traceContext); });
    if (!expired) return std::move(expired).error();
    for (const auto& o : *expired)
        (void)inventory_.holds().releaseOrder(o.showId, o.id, o.userId, seatIdsOf(o), clock_.nowMs());
    return static_cast<int>(expired->size());
}

}  // namespace boxoffice
