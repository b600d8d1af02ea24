#include "http/booking_dto.hpp"

#include "util/rfc3339.hpp"

namespace boxoffice::http {
namespace {

Result<void> done(std::vector<FieldError>& errs) {
    if (!errs.empty()) return Error::validation(std::move(errs));
    return {};
}

bool plausibleEmail(const std::string& e) {
    const auto at = e.find('@');
    return at != std::string::npos && at > 0 && at + 1 < e.size() && e.find('@', at + 1) == std::string::npos &&
           e.find_first_of(" \t\r\n<>\",;") == std::string::npos && e.find('.', at) != std::string::npos;
}

bool plausiblePhone(const std::string& p) {
    int digits = 0;
    for (char c : p) {
        if (c >= '0' && c <= '9')
            ++digits;
        else if (c != '+' && c != ' ' && c != '-' && c != '(' && c != ')' && c != '.')
            return false;
    }
    return digits >= 5;
}

}  // namespace

Result<HoldBody> parseHoldBody(const Json& body) {
    std::vector<FieldError> errs;
    FieldReader r(body, "", errs);
    HoldBody h;
    h.showId = ShowId{r.string("showId", true, 64).value_or("")};
    if (r.has("quantity") && r.has("seatIds")) r.fail("quantity", "give seatIds or quantity, not both");
    if (r.has("quantity") && !r.has("seatIds")) {
        SeatPick pick;
        pick.quantity = static_cast<int>(r.integer("quantity", true, 1, 100).value_or(1));
        pick.section = r.string("section", false, 16).value_or("");
        pick.tier = r.string("tier", false, 16).value_or("");
        if (r.has("adjacent")) {
            const Json& adjacent = body["adjacent"];
            if (adjacent.is_boolean())
                pick.adjacent = adjacent.get<bool>();
            else
                r.fail("adjacent", "must be true or false");
        }
        if (auto v = done(errs); !v) return std::move(v).error();
        h.pick = std::move(pick);
        return h;
    }
    for (const char* name : {"section", "tier", "adjacent"})
        if (r.has(name)) r.fail(name, "only with quantity (best available)");
    if (const Json* seats = r.array("seatIds", true)) {
        if (seats->size() > 100) {
            r.fail("seatIds", "too many seats");
        } else {
            for (std::size_t i = 0; i < seats->size(); ++i) {
                const auto& s = (*seats)[i];
                if (!s.is_string() || s.get_ref<const std::string&>().empty() ||
                    s.get_ref<const std::string&>().size() > 64)
                    errs.push_back({"seatIds[" + std::to_string(i) + "]", "must be a seat id such as FLOOR-A-12"});
                else
                    h.seatIds.emplace_back(s.get<std::string>());
            }
        }
    }
    if (auto v = done(errs); !v) return std::move(v).error();
    return h;
}

std::optional<HoldBody> parsePlainHoldBody(std::string_view body) {
    std::size_t pos = 0;
    const auto literal = [&](std::string_view text) {
        if (body.substr(pos, text.size()) != text) return false;
        pos += text.size();
        return true;
    };
    // A string with no escapes, control or non-ASCII bytes (those need the JSON parser's
    // checks), 1 to 64 bytes: the limits parseHoldBody puts on both fields.
    const auto plainString = [&]() -> std::optional<std::string_view> {
        if (pos >= body.size() || body[pos] != '"') return std::nullopt;
        const std::size_t start = ++pos;
        while (pos < body.size() && body[pos] != '"') {
            const auto c = static_cast<unsigned char>(body[pos]);
            if (c < 0x20 || c > 0x7e || c == '\\') return std::nullopt;
            ++pos;
        }
        if (pos >= body.size()) return std::nullopt;
        const std::string_view s = body.substr(start, pos - start);
        ++pos;
        if (s.empty() || s.size() > 64) return std::nullopt;
        return s;
    };
    HoldBody h;
    if (!literal("{\"showId\":")) return std::nullopt;
    const auto show = plainString();
    if (!show || !literal(",\"seatIds\":[")) return std::nullopt;
    h.showId = ShowId{std::string(*show)};
    if (!literal("]")) {
        do {
            const auto seat = plainString();
            if (!seat || h.seatIds.size() == 100) return std::nullopt;
            h.seatIds.emplace_back(std::string(*seat));
        } while (literal(","));
        if (!literal("]")) return std::nullopt;
    }
    if (!literal("}") || pos != body.size()) return std::nullopt;
    return h;
}

Result<OrderBody> parseOrderBody(const Json& body) {
    std::vector<FieldError> errs;
    FieldReader r(body, "", errs);
    OrderBody o;
    o.holdId = HoldId{r.string("holdId", true, 128).value_or("")};
    if (const Json* c = r.object("customer", true)) {
        FieldReader cr(*c, "customer", errs);
        o.customer.name = cr.string("name", true, 200).value_or("");
        o.customer.email = cr.string("email", true, 254).value_or("");
        if (!o.customer.email.empty() && !plausibleEmail(o.customer.email))
            cr.fail("email", "must be an email address");
        o.customer.phone = cr.string("phone", false, 32).value_or("");
        if (!o.customer.phone.empty() && !plausiblePhone(o.customer.phone)) cr.fail("phone", "must be a phone number");
    }
    if (auto v = done(errs); !v) return std::move(v).error();
    return o;
}

Result<std::string> parsePaymentReference(const Json& body) {
    std::vector<FieldError> errs;
    FieldReader r(body, "", errs);
    auto ref = r.string("paymentReference", true, 200);
    if (auto v = done(errs); !v) return std::move(v).error();
    return *ref;
}

Json toJson(const std::vector<SeatId>& seatIds) {
    Json j = Json::array();
    for (const auto& s : seatIds) j.push_back(s.str());
    return j;
}

Json toJson(const Hold& h) {
    Json j = {{"holdId", h.id.str()},
              {"showId", h.showId.str()},
              {"seatIds", toJson(h.seatIds)},
              {"status", holdStatusName(h.status)},
              {"expiresAt", formatRfc3339(h.expiresAt)}};
    if (h.orderId) j["orderId"] = h.orderId->str();
    return j;
}

Json toJson(const Ticket& t) {
    return {{"ticketCode", t.code},       {"signedCode", t.signedCode}, {"seatId", t.seatId.str()},
            {"orderId", t.orderId.str()}, {"showId", t.showId.str()},   {"issuedAt", formatRfc3339(t.issuedAt)}};
}

Json toJson(const Order& o) {
    Json seatIds = Json::array();
    Json seats = Json::array();
    for (const auto& s : o.seats) {
        seatIds.push_back(s.seatId.str());
        seats.push_back({{"seatId", s.seatId.str()}, {"tier", s.tier}, {"price", s.priceMinor}});
    }
    Json tickets = Json::array();
    for (const auto& t : o.tickets)
        tickets.push_back({{"ticketCode", t.code}, {"signedCode", t.signedCode}, {"seatId", t.seatId.str()}});
    Json j = {{"orderId", o.id.str()},
              {"status", orderStatusName(o.status)},
              {"showId", o.showId.str()},
              {"holdId", o.holdId.str()},
              {"seatIds", std::move(seatIds)},
              {"seats", std::move(seats)},
              {"amount", o.amountMinor},
              {"currency", o.currency},
              {"customer", {{"name", o.customer.name}, {"email", o.customer.email}, {"phone", o.customer.phone}}},
              {"expiresAt", formatRfc3339(o.expiresAt)},
              {"createdAt", formatRfc3339(o.createdAt)},
              {"tickets", std::move(tickets)}};
    if (o.confirmedAt) j["confirmedAt"] = formatRfc3339(*o.confirmedAt);
    if (o.paymentReference) j["paymentReference"] = *o.paymentReference;
    return j;
}

}  // namespace boxoffice::http
