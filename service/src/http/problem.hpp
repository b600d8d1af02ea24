#pragma once
// RFC 9457 problem details from the one ErrorCode -> HTTP status table.
#include <string>
#include <string_view>

#include "domain/error.hpp"
#include "http/message.hpp"

namespace boxoffice::http {

struct ErrorSpec {
    int status;
    std::string_view code;  // stable machine code, e.g. "SEATS_UNAVAILABLE"
    std::string_view title;
};

/// The single table. Every ErrorCode has an entry (a unit test checks it).
ErrorSpec errorSpec(ErrorCode code);

/// `application/problem+json` with type, title, status, detail, code, requestId and, when present,
/// `errors: [{field, message}]` and `seats` (the subjects, e.g. unavailable seat ids).
Response problem(const Error& error, std::string_view requestId);

/// The body of problem() built as a JSON tree and serialized: the reference its faster writer
/// for plain strings is tested against.
std::string problemBody(const Error& error, std::string_view requestId);

}  // namespace boxoffice::http
