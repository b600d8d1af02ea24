#pragma once
// HTTP/1.1 response framing for the harness's client: status line, Content-Length and Connection
// only (the service always sends Content-Length; chunked bodies are refused as a protocol error).

#include <cstddef>
#include <optional>
#include <string_view>

namespace boxoffice::load {

struct ResponseHead {
    int status = 0;
    std::size_t headerBytes = 0;    // through the blank line
    std::size_t contentLength = 0;  // body bytes that follow
    bool close = false;             // `Connection: close`: the server will not reuse the socket
};

enum class HeadParse { Incomplete, Done, Invalid };

/// Parses the head at the start of `data`. Incomplete until the blank line has arrived; Invalid
/// for anything but `HTTP/1.x NNN`, a chunked body or a missing/garbled Content-Length.
HeadParse parseResponseHead(std::string_view data, ResponseHead& out);

/// The value of header `name` (case-insensitive) in a response head as parseResponseHead saw it;
/// empty when absent.
std::string_view headerValue(std::string_view head, std::string_view name);

/// The value of JSON string field `"name":"..."` in a flat body (ids and codes never contain
/// escapes), without parsing the whole document; empty when absent.
std::string_view jsonStringField(std::string_view body, std::string_view name);

/// The integer after `"name":` (first occurrence), or nullopt.
std::optional<long long> jsonIntField(std::string_view body, std::string_view name);

}  // namespace boxoffice::load
