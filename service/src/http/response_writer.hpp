#pragma once
// A Response as HTTP/1.1 bytes: status line, the edge's own fields, the response's fields, body.
#include <string>

#include "http/message.hpp"

namespace boxoffice::http {

struct WireOptions {
    bool close = false;        // `Connection: close` (the connection ends after this response)
    bool keepAlive10 = false;  // an HTTP/1.0 client that asked for keep-alive: say it is kept
    bool omitBody = false;     // HEAD: the fields of the GET, no body
};

/// The reason phrase for a status code ("Too Many Requests"); "Unknown" for codes not listed.
const char* reasonPhrase(int status);

/// The response on the wire. Adds `Content-Length` (none for 1xx, 204, 304), `Date` and the
/// `Connection` field; the response's own fields are written as they are (the edge has already
/// refused control characters in them).
std::string serialize(const Response& response, const WireOptions& options);

/// The interim `100 Continue` response.
inline constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

}  // namespace boxoffice::http
