#include "http/ticket_dto.hpp"

#include "util/rfc3339.hpp"

namespace boxoffice::http {

Result<CheckinBody> parseCheckinBody(const Json& body) {
    std::vector<FieldError> errs;
    FieldReader r(body, "", errs);
    auto code = r.string("code", true, 1024);
    auto gate = r.string("gate", false, 64);
    if (!errs.empty()) return Error::validation(std::move(errs));
    return CheckinBody{*code, gate.value_or("")};
}

Json toJson(const Admission& a) {
    const Ticket& t = a.ticket.ticket;
    Json j = {{"ticketCode", t.code},
              {"showId", t.showId.str()},
              {"seatId", t.seatId.str()},
              {"orderId", t.orderId.str()},
              {"holderName", a.ticket.holderName},
              {"checkedInAt", formatRfc3339(a.checkin.at)}};
    j["gate"] = a.checkin.gate.empty() ? Json(nullptr) : Json(a.checkin.gate);
    return j;
}

Json toJson(const ShowId& show, const ShowCheckins& c) {
    Json gates = Json::array();
    for (const auto& g : c.byGate)
        gates.push_back({{"gate", g.gate.empty() ? Json(nullptr) : Json(g.gate)}, {"checkedIn", g.checkedIn}});
    return {{"showId", show.str()},
            {"validTickets", c.validTickets},
            {"checkedIn", c.checkedIn},
            {"notCheckedIn", c.validTickets - c.checkedIn},
            {"byGate", std::move(gates)}};
}

}  // namespace boxoffice::http
