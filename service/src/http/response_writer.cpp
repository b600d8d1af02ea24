#include "http/response_writer.hpp"

#include <charconv>
#include <chrono>
#include <ctime>

namespace boxoffice::http {
namespace {

// IMF-fixdate of the current second, formatted once per second per thread.
const std::string& httpDate() {
    thread_local std::time_t cachedSecond = 0;
    thread_local std::string cached;
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    if (now != cachedSecond) {
        std::tm tm{};
        gmtime_r(&now, &tm);
        char buf[64];
        const auto n = std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
        cached.assign(buf, n);
        cachedSecond = now;
    }
    return cached;
}

}  // namespace

const char* reasonPhrase(int status) {
    switch (status) {
        case 100:
            return "Continue";
        case 200:
            return "OK";
        case 201:
            return "Created";
        case 202:
            return "Accepted";
        case 204:
            return "No Content";
        case 301:
            return "Moved Permanently";
        case 302:
            return "Found";
        case 304:
            return "Not Modified";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 406:
            return "Not Acceptable";
        case 408:
            return "Request Timeout";
        case 409:
            return "Conflict";
        case 410:
            return "Gone";
        case 412:
            return "Precondition Failed";
        case 413:
            return "Content Too Large";
        case 414:
            return "URI Too Long";
        case 415:
            return "Unsupported Media Type";
        case 417:
            return "Expectation Failed";
        case 422:
            return "Unprocessable Content";
        case 428:
            return "Precondition Required";
        case 429:
            return "Too Many Requests";
        case 431:
            return "Request Header Fields Too Large";
        case 500:
            return "Internal Server Error";
        case 501:
            return "Not Implemented";
        case 502:
            return "Bad Gateway";
        case 503:
            return "Service Unavailable";
        case 504:
            return "Gateway Timeout";
        default:
            return "Unknown";
    }
}

WireBytes serialize(const Response& response, const WireOptions& options) {
    const std::string& body = response.sharedBody ? *response.sharedBody : response.body;
    const bool bodyless = response.status == 204 || response.status == 304 || response.status < 200;
    const bool sendBody = !bodyless && !options.omitBody;
    const bool inPlace = sendBody && response.sharedBody && body.size() > kInlineSharedBody;
    WireBytes wire;
    std::string& out = wire.head;
    out.reserve(160 + (inPlace ? 0 : body.size()) + 48 * response.headers.size());
    out.append("HTTP/1.1 ").append(std::to_string(response.status)).push_back(' ');
    out.append(reasonPhrase(response.status)).append("\r\nDate: ").append(httpDate()).append("\r\n");
    if (!bodyless) {
        if (!response.contentType.empty()) out.append("Content-Type: ").append(response.contentType).append("\r\n");
        out.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
    }
    for (const auto& [name, value] : response.headers) out.append(name).append(": ").append(value).append("\r\n");
    if (options.close)
        out.append("Connection: close\r\n");
    else if (options.keepAlive10)
        out.append("Connection: keep-alive\r\n");
    out.append("\r\n");
    if (inPlace)
        wire.body = response.sharedBody;
    else if (sendBody)
        out.append(body);
    return wire;
}

std::string serializeStreamHead(const Response& response, bool chunked) {
    std::string out;
    out.reserve(256 + 48 * response.headers.size());
    out.append("HTTP/1.1 ").append(std::to_string(response.status)).push_back(' ');
    out.append(reasonPhrase(response.status)).append("\r\nDate: ").append(httpDate()).append("\r\n");
    if (!response.contentType.empty()) out.append("Content-Type: ").append(response.contentType).append("\r\n");
    for (const auto& [name, value] : response.headers) out.append(name).append(": ").append(value).append("\r\n");
    out.append(chunked ? "Transfer-Encoding: chunked\r\n" : "Connection: close\r\n");
    out.append("\r\n");
    return out;
}

WireBytes streamFrame(std::shared_ptr<const std::string> frame, bool chunked) {
    WireBytes wire;
    if (chunked) {
        char buf[20];
        const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, frame->size(), 16);
        wire.head.assign(buf, end).append("\r\n");
        wire.tail = "\r\n";
    }
    wire.body = std::move(frame);
    return wire;
}

}  // namespace boxoffice::http
