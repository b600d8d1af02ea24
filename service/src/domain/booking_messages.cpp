// What the booking flow tells others: the signed codes of the tickets it hands out, and the outbox
// messages of its transitions.
#include <nlohmann/json.hpp>

#include "domain/booking_service.hpp"
#include "util/rfc3339.hpp"

namespace boxoffice {

void BookingService::sign(std::vector<Ticket>& tickets) const {
    // Not stored: Ed25519 is deterministic, so a ticket's signed code is the same every time.
    for (auto& t : tickets) t.signedCode = signer_.sign({t.code, t.showId, t.seatId});
}

Result<Order> BookingService::withSignedCodes(Result<Order> order) const {
    if (order) sign(order->tickets);
    return order;
}

OutboxMessage BookingService::message(const Order& o, const std::string& eventType, const std::string& traceContext) {
    nlohmann::json seats = nlohmann::json::array();
    for (const auto& s : o.seats) seats.push_back(s.seatId.str());
    nlohmann::json payload = {{"orderId", o.id.str()},       {"showId", o.showId.str()},
                              {"userId", o.userId.str()},    {"status", orderStatusName(o.status)},
                              {"seatIds", std::move(seats)}, {"amount", o.amountMinor},
                              {"currency", o.currency},      {"expiresAt", formatRfc3339(o.expiresAt)}};
    if (!o.tickets.empty()) {
        nlohmann::json tickets = nlohmann::json::array();
        for (const auto& t : o.tickets)
            tickets.push_back({{"ticketCode", t.code}, {"seatId", t.seatId.str()}, {"signedCode", t.signedCode}});
        payload["tickets"] = std::move(tickets);
    }
    nlohmann::json headers = nlohmann::json::object();
    if (!traceContext.empty()) headers["traceparent"] = traceContext;
    return {ids_.next(),
            "order",
            o.id.str(),
            eventType,
            payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
            headers.dump(),
            clock_.nowMs()};
}

}  // namespace boxoffice
