#include "common/setup_client.hpp"

#include <arpa/inet.h>

#include <chrono>
#include <stdexcept>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/rfc3339.hpp"

namespace boxoffice::load {
namespace {

std::string idOf(const SetupResponse& r, const char* what) {
    if (r.status != 201)
        throw std::runtime_error(std::string(what) + ": HTTP " + std::to_string(r.status) + " " + r.body);
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (!j.is_object() || !j.contains("id")) throw std::runtime_error(std::string(what) + ": no id in " + r.body);
    return j["id"].get<std::string>();
}

HttpSessionOptions optionsFor(const Origin& server, const TlsOptions& tls) {
    HttpSessionOptions o;
    o.origin = (server.url.tls ? "https://" : "http://") + server.url.hostHeader;
    o.hostHeader = server.url.hostHeader;  // exactly as the crowd sends it
    // The address the origin was resolved to once, which the crowd connects to as well.
    char address[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, &server.addr.sin_addr, address, sizeof address);
    o.resolve = server.url.host + ":" + server.url.port + ":" + address;
    o.tls = tls;
    return o;
}

}  // namespace

SetupClient::SetupClient(const Origin& server, const TlsOptions& tls) : session_(optionsFor(server, tls)) {}

SetupResponse SetupClient::request(const std::string& method, const std::string& path, const std::string& body,
                                   const std::string& token) {
    std::vector<std::string> headers;
    if (!token.empty()) headers.push_back("Authorization: Bearer " + token);
    if (!body.empty()) headers.emplace_back("Content-Type: application/json");
    auto reply = session_.request(method, path, body, headers);
    if (reply.status == 0) return {0, std::move(reply.error)};
    return {static_cast<int>(reply.status), std::move(reply.body)};
}

std::string createShow(SetupClient& client, const std::string& adminToken, long long seats) {
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
    using std::chrono::duration_cast, std::chrono::milliseconds;
    const long long now = duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    const long long day = 24LL * 3600 * 1000;
    const nlohmann::json show = {{"eventId", eventId},
                                 {"venueId", venueId},
                                 {"startsAt", formatRfc3339(now + 30 * day)},
                                 {"saleOpensAt", formatRfc3339(now - 60'000)},
                                 {"saleClosesAt", formatRfc3339(now + 29 * day)},
                                 {"currency", "EUR"},
                                 {"prices", {{{"tier", "GA"}, {"amount", 4500}}}}};
    return idOf(client.request("POST", "/v1/shows", show.dump(), adminToken), "POST /v1/shows");
}

}  // namespace boxoffice::load
