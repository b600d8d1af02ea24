#include "domain/booking.hpp"

#include <cctype>

namespace boxoffice {

std::string_view holdStatusName(HoldStatus s) {
    switch (s) {
        case HoldStatus::Held:
            return "HELD";
        case HoldStatus::Expired:
            return "EXPIRED";
        case HoldStatus::Released:
            return "RELEASED";
        case HoldStatus::Ordered:
            return "ORDERED";
    }
    return "HELD";
}

std::string_view orderStatusName(OrderStatus s) {
    switch (s) {
        case OrderStatus::PaymentPending:
            return "PAYMENT_PENDING";
        case OrderStatus::Confirmed:
            return "CONFIRMED";
        case OrderStatus::Failed:
            return "FAILED";
        case OrderStatus::Expired:
            return "EXPIRED";
        case OrderStatus::Cancelled:
            return "CANCELLED";
        case OrderStatus::Refunded:
            return "REFUNDED";
    }
    return "FAILED";
}

std::string ticketCodeOf(const std::string& uuid) {
    std::string out = "T-";
    for (char c : uuid) {
        if (c == '-') continue;
        if (out.size() == 18) break;
        out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
    return out;
}

std::vector<SeatId> seatIdsOf(const Order& o) {
    std::vector<SeatId> out;
    out.reserve(o.seats.size());
    for (const auto& s : o.seats) out.push_back(s.seatId);
    return out;
}

Error orderIs(OrderStatus status) {
    return Error::of(ErrorCode::Conflict, "order is " + std::string(orderStatusName(status)));
}

void settleRefundedStatus(Order& o) {
    if (o.status == OrderStatus::Confirmed && !o.seats.empty() && o.tickets.empty()) o.status = OrderStatus::Refunded;
}

std::optional<OrderStatus> parseOrderStatus(std::string_view s) {
    for (auto st : {OrderStatus::PaymentPending, OrderStatus::Confirmed, OrderStatus::Failed, OrderStatus::Expired,
                    OrderStatus::Cancelled, OrderStatus::Refunded})
        if (orderStatusName(st) == s) return st;
    return std::nullopt;
}

}  // namespace boxoffice
