#include "common/http_response.hpp"

#include <charconv>
#include <string>

namespace boxoffice::load {
namespace {

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace

HeadParse parseResponseHead(std::string_view data, ResponseHead& out) {
    const auto end = data.find("\r\n\r\n");
    if (end == std::string_view::npos) return data.size() > 65536 ? HeadParse::Invalid : HeadParse::Incomplete;
    out = ResponseHead{};
    out.headerBytes = end + 4;
    std::string_view head = data.substr(0, end);
    auto lineEnd = head.find("\r\n");
    std::string_view statusLine = head.substr(0, lineEnd);
    if (statusLine.size() < 12 || statusLine.substr(0, 7) != "HTTP/1." || statusLine[8] != ' ')
        return HeadParse::Invalid;
    int status = 0;
    auto [p, ec] = std::from_chars(statusLine.data() + 9, statusLine.data() + 12, status);
    if (ec != std::errc{} || p != statusLine.data() + 12 || status < 100) return HeadParse::Invalid;
    out.status = status;
    if (statusLine[7] == '0') out.close = true;  // HTTP/1.0 closes unless told otherwise
    bool haveLength = false;
    while (lineEnd != std::string_view::npos) {
        head.remove_prefix(lineEnd + 2);
        lineEnd = head.find("\r\n");
        const std::string_view line = head.substr(0, lineEnd);
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        const std::string_view name = line.substr(0, colon), value = trim(line.substr(colon + 1));
        if (iequals(name, "content-length")) {
            std::size_t n = 0;
            auto [q, e] = std::from_chars(value.data(), value.data() + value.size(), n);
            if (e != std::errc{} || q != value.data() + value.size()) return HeadParse::Invalid;
            out.contentLength = n;
            haveLength = true;
        } else if (iequals(name, "connection")) {
            if (iequals(value, "close")) out.close = true;
            if (iequals(value, "keep-alive")) out.close = false;
        } else if (iequals(name, "transfer-encoding")) {
            return HeadParse::Invalid;
        }
    }
    // 1xx, 204 and 304 carry no body.
    if (!haveLength && !(status < 200 || status == 204 || status == 304)) return HeadParse::Invalid;
    return HeadParse::Done;
}

std::string_view headerValue(std::string_view head, std::string_view name) {
    auto lineEnd = head.find("\r\n");
    while (lineEnd != std::string_view::npos) {
        head.remove_prefix(lineEnd + 2);
        lineEnd = head.find("\r\n");
        const std::string_view line = head.substr(0, lineEnd);
        const auto colon = line.find(':');
        if (colon != std::string_view::npos && iequals(line.substr(0, colon), name))
            return trim(line.substr(colon + 1));
    }
    return {};
}

std::string_view jsonStringField(std::string_view body, std::string_view name) {
    std::string key;
    key.reserve(name.size() + 3);
    key += '"';
    key += name;
    key += "\":";
    auto at = body.find(key);
    if (at == std::string_view::npos) return {};
    at += key.size();
    while (at < body.size() && body[at] == ' ') ++at;
    if (at >= body.size() || body[at] != '"') return {};
    const auto close = body.find('"', at + 1);
    if (close == std::string_view::npos) return {};
    return body.substr(at + 1, close - at - 1);
}

std::optional<long long> jsonIntField(std::string_view body, std::string_view name) {
    std::string key;
    key += '"';
    key += name;
    key += "\":";
    auto at = body.find(key);
    if (at == std::string_view::npos) return std::nullopt;
    at += key.size();
    while (at < body.size() && body[at] == ' ') ++at;
    long long v = 0;
    auto [p, ec] = std::from_chars(body.data() + at, body.data() + body.size(), v);
    if (ec != std::errc{}) return std::nullopt;
    return v;
}

}  // namespace boxoffice::load
