#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace boxoffice::redis {

/// `redis://[[user]:password@]host[:port][/db]` or `rediss://...` (TLS). Port defaults to 6379.
struct RedisEndpoint {
    std::string host;
    int port = 6379;
    bool tls = false;
    std::string username;  // empty: AUTH with password only
    std::string password;  // empty: no AUTH
    int db = 0;
};

/// Parses a Redis URL; std::nullopt with `error` set when malformed (bad scheme, port out of range,
/// empty host, non-numeric db). Percent-decodes user and password.
std::optional<RedisEndpoint> parseRedisUrl(std::string_view url, std::string& error);

}  // namespace boxoffice::redis
