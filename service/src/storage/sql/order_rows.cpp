#include "storage/sql/order_rows.hpp"

#include <algorithm>
#include <utility>

namespace boxoffice::sql {

Order toOrder(OrderRecord r) {
    Order o;
    o.id = OrderId{std::move(r.id)};
    o.showId = ShowId{std::move(r.showId)};
    o.userId = UserId{std::move(r.userId)};
    o.holdId = HoldId{std::move(r.holdId)};
    // The CHECK constraint on orders.status admits only names parseOrderStatus knows.
    o.status = parseOrderStatus(r.status).value_or(OrderStatus::Failed);
    o.amountMinor = r.amount;
    o.currency = std::move(r.currency);
    o.customer.name = std::move(r.name);
    o.customer.email = std::move(r.email);
    o.customer.phone = r.phone.value_or("");
    o.paymentReference = std::move(r.payment);
    o.traceContext = r.trace.value_or("");
    o.expiresAt = r.expires;
    o.createdAt = r.created;
    o.updatedAt = r.updated;
    o.confirmedAt = r.confirmed;
    return o;
}

std::vector<OrderSeat> sortedSeats(const Order& o) {
    std::vector<OrderSeat> seats = o.seats;
    std::sort(seats.begin(), seats.end(), [](const OrderSeat& a, const OrderSeat& b) { return a.seatId < b.seatId; });
    return seats;
}

Error seatsUnavailable(std::vector<std::string> seats) {
    return {ErrorCode::SeatsUnavailable, "seats are no longer available", {}, std::move(seats), {}, {}};
}

Error holdAlreadyOrdered(std::string internal) {
    return Error::of(ErrorCode::Conflict, "an order for this hold already exists", std::move(internal));
}

Error notPending(const std::string& status) {
    return Error::of(ErrorCode::Conflict, "order is " + status);
}

Error orderExpired() {
    return Error::of(ErrorCode::OrderExpired, "the payment window of this order has closed");
}

Error changedMeanwhile(const OrderId& id) {
    return Error::of(ErrorCode::Conflict, "order changed meanwhile", "order " + id.str() + " changed under its guard");
}

Error noTransitionBack(const OrderId& id) {
    return Error::internalError("order " + id.str() + ": no transition leads back to PAYMENT_PENDING");
}

}  // namespace boxoffice::sql
