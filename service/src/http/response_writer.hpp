#pragma once
// A Response as HTTP/1.1 bytes: status line, the edge's own fields, the response's fields, body.
#include <cstddef>
#include <memory>
#include <string>

#include "http/message.hpp"

namespace boxoffice::http {

struct WireOptions {
    bool close = false;        // `Connection: close` (the connection ends after this response)
    bool keepAlive10 = false;  // an HTTP/1.0 client that asked for keep-alive: say it is kept
    bool omitBody = false;     // HEAD: the fields of the GET, no body
};

/// A response as it goes out: the head (with the body when it is small or the response's own) and a
/// large cached body, shared and sent in place rather than copied into every response.
struct WireBytes {
    std::string head;
    std::shared_ptr<const std::string> body;  // null when `head` holds everything
    std::string tail;                         // after the body (a chunk's closing CRLF)

    std::size_t size() const { return head.size() + (body ? body->size() : 0) + tail.size(); }
    std::string flat() const { return (body ? head + *body : head) + tail; }  // for tests and logs
};

/// Shared bodies up to this size are copied into the head: one buffer, one write.
inline constexpr std::size_t kInlineSharedBody = 16 * 1024;

/// The reason phrase for a status code ("Too Many Requests"); "Unknown" for codes not listed.
const char* reasonPhrase(int status);

/// The response on the wire. Adds `Content-Length` (none for 1xx, 204, 304), `Date` and the
/// `Connection` field; the response's own fields are written as they are (the edge has already
/// refused control characters in them).
WireBytes serialize(const Response& response, const WireOptions& options);

/// The head of a streaming answer (`response.stream` set): no Content-Length; chunked for an
/// HTTP/1.1 client (`chunked`), else delimited by the close, which the head then announces.
std::string serializeStreamHead(const Response& response, bool chunked);

/// One frame of a streaming answer as it goes out: the shared frame in place, with the chunk's
/// size line and CRLF around it when `chunked` (both short: no allocation per client).
WireBytes streamFrame(std::shared_ptr<const std::string> frame, bool chunked);

/// The interim `100 Continue` response.
inline constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

}  // namespace boxoffice::http
