#include "setup_client.hpp"

#include <chrono>
#include <ctime>
#include <stdexcept>

#include <nlohmann/json.hpp>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "http_response.hpp"

namespace boxoffice::load {
namespace {

std::string rfc3339(std::chrono::system_clock::time_point t) {
    const std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string idOf(const SetupResponse& r, const char* what) {
    if (r.status != 201)
        throw std::runtime_error(std::string(what) + ": HTTP " + std::to_string(r.status) + " " + r.body);
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (!j.is_object() || !j.contains("id")) throw std::runtime_error(std::string(what) + ": no id in " + r.body);
    return j["id"].get<std::string>();
}

}  // namespace

SetupResponse SetupClient::request(const std::string& method, const std::string& path, const std::string& body,
                                   const std::string& token) const {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return {0, "socket failed"};
    timeval tv{30, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&server_), sizeof server_) != 0) {
        ::close(fd);
        return {0, "cannot connect to " + host_};
    }
    std::string w = method + " " + path + " HTTP/1.1\r\nHost: " + host_ + "\r\nConnection: close\r\n";
    if (!token.empty()) w += "Authorization: Bearer " + token + "\r\n";
    if (!body.empty()) w += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    w += "\r\n" + body;
    for (std::size_t off = 0; off < w.size();) {
        const ssize_t n = ::send(fd, w.data() + off, w.size() - off, MSG_NOSIGNAL);
        if (n <= 0) {
            ::close(fd);
            return {0, "send failed"};
        }
        off += static_cast<std::size_t>(n);
    }
    std::string in;
    char buf[65536];
    ResponseHead head;
    bool haveHead = false;
    for (;;) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        in.append(buf, static_cast<std::size_t>(n));
        if (!haveHead) {
            const auto p = parseResponseHead(in, head);
            if (p == HeadParse::Invalid) break;
            haveHead = p == HeadParse::Done;
        }
        if (haveHead && in.size() >= head.headerBytes + head.contentLength) break;
    }
    ::close(fd);
    if (!haveHead || in.size() < head.headerBytes + head.contentLength) return {0, "incomplete response from " + host_};
    return {head.status, in.substr(head.headerBytes, head.contentLength)};
}

std::string createShow(const SetupClient& client, const std::string& adminToken, long long seats) {
    nlohmann::json sections = nlohmann::json::array();
    long long left = seats;
    for (int s = 0; left > 0; ++s) {
        nlohmann::json rows = nlohmann::json::array();
        for (int r = 0; r < 20 && left > 0; ++r) {
            const long long n = std::min<long long>(50, left);
            left -= n;
            rows.push_back({{"label", std::string(1, static_cast<char>('A' + r))}, {"seats", n}});
        }
        sections.push_back({{"name", "S" + std::to_string(s + 1)}, {"tier", "GA"}, {"rows", rows}});
    }
    const nlohmann::json venue = {{"name", "Load Arena"},
                                  {"address", "1 Harness Road, Paris"},
                                  {"timezone", "Europe/Paris"},
                                  {"layout", {{"sections", sections}}}};
    const std::string venueId = idOf(client.request("POST", "/v1/venues", venue.dump(), adminToken), "POST /v1/venues");
    const nlohmann::json event = {{"title", "Flash sale " + std::to_string(seats)},
                                  {"kind", "concert"},
                                  {"description", "created by boxoffice-load"}};
    const std::string eventId = idOf(client.request("POST", "/v1/events", event.dump(), adminToken), "POST /v1/events");
    const auto now = std::chrono::system_clock::now();
    const nlohmann::json show = {{"eventId", eventId},
                                 {"venueId", venueId},
                                 {"startsAt", rfc3339(now + std::chrono::hours(24 * 30))},
                                 {"saleOpensAt", rfc3339(now - std::chrono::minutes(1))},
                                 {"saleClosesAt", rfc3339(now + std::chrono::hours(24 * 29))},
                                 {"currency", "EUR"},
                                 {"prices", {{{"tier", "GA"}, {"amount", 4500}}}}};
    return idOf(client.request("POST", "/v1/shows", show.dump(), adminToken), "POST /v1/shows");
}

}  // namespace boxoffice::load
