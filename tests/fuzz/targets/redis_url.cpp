// The Redis URL parser (storage/redis/redis_url). A URL either parses, giving an endpoint the
// connection can use (a host, a port in 1..65535, a database >= 0), or fails with a reason. A parsed
// endpoint written back as a URL (user and password percent-encoded) parses to the same endpoint.
#include <string>
#include <string_view>

#include "fuzz_target.hpp"
#include "storage/redis/redis_url.hpp"

namespace boxoffice::fuzz {
namespace {

std::string percentEncode(std::string_view s) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        const bool unreserved = (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') ||
                                u == '-' || u == '.' || u == '_' || u == '~';
        if (unreserved) {
            out += c;
        } else {
            out += '%';
            out += kHex[u >> 4];
            out += kHex[u & 15];
        }
    }
    return out;
}

std::string format(const redis::RedisEndpoint& ep) {
    std::string url = ep.tls ? "rediss://" : "redis://";
    if (!ep.username.empty() || !ep.password.empty())
        url += percentEncode(ep.username) + ":" + percentEncode(ep.password) + "@";
    const bool bracket = ep.host.find(':') != std::string::npos || ep.host.front() == '[';
    url += bracket ? "[" + ep.host + "]" : ep.host;
    url += ":" + std::to_string(ep.port) + "/" + std::to_string(ep.db);
    return url;
}

bool sameEndpoint(const redis::RedisEndpoint& a, const redis::RedisEndpoint& b) {
    return a.host == b.host && a.port == b.port && a.tls == b.tls && a.username == b.username &&
           a.password == b.password && a.db == b.db;
}

void redisUrl(std::string_view input) {
    std::string error;
    const auto ep = redis::parseRedisUrl(input, error);
    if (!ep) {
        FUZZ_CHECK(!error.empty());
        return;
    }
    FUZZ_CHECK(!ep->host.empty());
    FUZZ_CHECK(ep->port >= 1 && ep->port <= 65535);
    FUZZ_CHECK(ep->db >= 0);
    FUZZ_CHECK(ep->username.empty() || !ep->password.empty());
    FUZZ_CHECK(ep->host.find_first_of("/?#@") == std::string::npos);

    const std::string again = format(*ep);
    std::string againError;
    const auto reparsed = redis::parseRedisUrl(again, againError);
    FUZZ_CHECK(reparsed.has_value());
    FUZZ_CHECK(sameEndpoint(*reparsed, *ep));
}

}  // namespace
}  // namespace boxoffice::fuzz

BOXOFFICE_FUZZ_TARGET(redis_url, boxoffice::fuzz::redisUrl)
