#pragma once
#include <optional>
#include <string_view>
// Booking JSON <-> domain (camelCase).
#include "domain/best_available.hpp"
#include "domain/booking.hpp"
#include "http/json_body.hpp"

namespace boxoffice::http {

/// `{showId, seatIds}`, or best available: `{showId, quantity, section? | tier?, adjacent?}`
/// (`adjacent` defaults to true).
struct HoldBody {
    ShowId showId;
    std::vector<SeatId> seatIds;
    std::optional<SeatPick> pick;
};
struct OrderBody {
    HoldId holdId;
    Customer customer;
};

Result<HoldBody> parseHoldBody(const Json& body);
/// The commonest hold body, `{"showId":"..","seatIds":["..",..]}` written compactly with plain
/// ASCII strings, read without building a JSON tree. A value only when parseHoldBody would accept
/// the same body with the same result; nullopt for anything else (then parse it as JSON).
std::optional<HoldBody> parsePlainHoldBody(std::string_view body);
Result<OrderBody> parseOrderBody(const Json& body);
Result<std::string> parsePaymentReference(const Json& body);

Json toJson(const std::vector<SeatId>& seatIds);  // an array of strings
Json toJson(const Hold& hold);
Json toJson(const Order& order);
Json toJson(const Ticket& ticket);

}  // namespace boxoffice::http
