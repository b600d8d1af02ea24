#pragma once
// JSON of tickets at the door: the check-in body and answers.
#include <string>

#include "domain/ticket_service.hpp"
#include "http/json_body.hpp"

namespace boxoffice::http {

struct CheckinBody {
    std::string code;  // the signed code the QR holds
    std::string gate;  // optional, empty when absent
};

/// {"code": "bxt1....", "gate": "north"?}; 422 naming each wrong field.
Result<CheckinBody> parseCheckinBody(const Json& body);
Json toJson(const Admission& admission);
Json toJson(const ShowId& show, const ShowCheckins& counts);

}  // namespace boxoffice::http
