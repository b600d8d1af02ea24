#pragma once
// Booking JSON <-> domain (camelCase).
#include "domain/booking.hpp"
#include "http/json_body.hpp"

namespace boxoffice::http {

struct HoldBody {
    ShowId showId;
    std::vector<std::string> seatIds;
};
struct OrderBody {
    HoldId holdId;
    Customer customer;
};

Result<HoldBody> parseHoldBody(const Json& body);
Result<OrderBody> parseOrderBody(const Json& body);
Result<std::string> parsePaymentReference(const Json& body);

Json toJson(const Hold& hold);
Json toJson(const Order& order);
Json toJson(const Ticket& ticket);

}  // namespace boxoffice::http
