#include "common/setup_client.hpp"

#include <chrono>
#include <memory>
#include <stdexcept>

#include <nlohmann/json.hpp>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "common/http_response.hpp"
#include "common/tls.hpp"
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

}  // namespace

SetupClient::SetupClient(Origin server, const TlsClient* tls) : server_(std::move(server)), tls_(tls) {
    if (server_.url.tls && tls_ == nullptr) throw std::logic_error("SetupClient: an https:// origin needs a TlsClient");
}

SetupResponse SetupClient::request(const std::string& method, const std::string& path, const std::string& body,
                                   const std::string& token) const {
    const std::string& host = server_.url.hostHeader;
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return {0, "socket failed"};
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};  // declared before `ssl`, so the session is freed first
    timeval tv{30, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&server_.addr), sizeof server_.addr) != 0)
        return {0, "cannot connect to " + host};
    std::unique_ptr<SSL, void (*)(SSL*)> ssl(nullptr, SSL_free);
    if (server_.url.tls) {
        std::string error;
        ssl.reset(tls_->newSession(fd, server_.url.host, error));
        if (!ssl) return {0, error};
        ERR_clear_error();
        if (const int rc = SSL_connect(ssl.get()); rc != 1)
            return {0, "TLS handshake with " + host + " failed: " + TlsClient::describeFailure(ssl.get(), rc)};
    }
    // The blocking socket's timeouts bound every call; SSL_write/SSL_read retry on their own.
    auto sendSome = [&](const char* p, std::size_t n) -> long {
        if (ssl) return SSL_write(ssl.get(), p, static_cast<int>(n));
        return ::send(fd, p, n, MSG_NOSIGNAL);
    };
    auto recvSome = [&](char* p, std::size_t n) -> long {
        if (ssl) return SSL_read(ssl.get(), p, static_cast<int>(n));
        return ::recv(fd, p, n, 0);
    };
    std::string w = method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n";
    if (!token.empty()) w += "Authorization: Bearer " + token + "\r\n";
    if (!body.empty()) w += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    w += "\r\n" + body;
    for (std::size_t off = 0; off < w.size();) {
        const long n = sendSome(w.data() + off, w.size() - off);
        if (n <= 0) return {0, "send failed"};
        off += static_cast<std::size_t>(n);
    }
    std::string in;
    char buf[65536];
    ResponseHead head;
    bool haveHead = false;
    for (;;) {
        const long n = recvSome(buf, sizeof buf);
        if (n <= 0) break;
        in.append(buf, static_cast<std::size_t>(n));
        if (!haveHead) {
            const auto p = parseResponseHead(in, head);
            if (p == HeadParse::Invalid) break;
            haveHead = p == HeadParse::Done;
        }
        if (haveHead && in.size() >= head.headerBytes + head.contentLength) break;
    }
    if (!haveHead || in.size() < head.headerBytes + head.contentLength) return {0, "incomplete response from " + host};
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
