#include "storage/redis/redis_url.hpp"

#include <charconv>

#include "util/hex.hpp"

namespace boxoffice::redis {
namespace {

// Digits only: from_chars alone would accept a leading '-' and stop quietly at trailing junk.
std::optional<int> parseNonNegative(std::string_view s) {
    if (s.empty() || s.size() > 9) return std::nullopt;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
    }
    int value = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc{} || ptr != s.data() + s.size()) return std::nullopt;
    return value;
}

bool startsWithNoCase(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != prefix[i]) return false;
    }
    return true;
}

}  // namespace

std::optional<RedisEndpoint> parseRedisUrl(std::string_view url, std::string& error) {
    RedisEndpoint ep;
    std::string_view rest;
    if (startsWithNoCase(url, "rediss://")) {
        ep.tls = true;
        rest = url.substr(9);
    } else if (startsWithNoCase(url, "redis://")) {
        rest = url.substr(8);
    } else {
        error = "scheme must be redis:// or rediss://";
        return std::nullopt;
    }

    // Options in a query string (timeouts, ssl_cert_reqs...) are configured elsewhere; silently
    // ignoring one would hide a setting the operator believes is active.
    if (rest.find_first_of("?#") != std::string_view::npos) {
        error = "query strings and fragments are not supported";
        return std::nullopt;
    }

    const std::size_t slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    const std::string_view path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);

    // The last '@' separates userinfo, so an unencoded '@' in a password still parses.
    const std::size_t at = authority.rfind('@');
    if (at != std::string_view::npos) {
        const std::string_view userinfo = authority.substr(0, at);
        authority = authority.substr(at + 1);
        const std::size_t colon = userinfo.find(':');
        if (colon == std::string_view::npos) {
            // AUTH needs a password; a lone user name is almost always a password missing its ':'.
            error = "userinfo must be ':password' or 'user:password'";
            return std::nullopt;
        }
        auto user = util::percentDecode(userinfo.substr(0, colon));
        auto pass = util::percentDecode(userinfo.substr(colon + 1));
        if (!user || !pass) {
            error = "invalid percent-encoding in userinfo";
            return std::nullopt;
        }
        if (pass->empty() && !user->empty()) {
            error = "a user name needs a password";
            return std::nullopt;
        }
        ep.username = std::move(*user);
        ep.password = std::move(*pass);
    }

    std::string_view portText;
    bool hasPort = false;
    if (!authority.empty() && authority.front() == '[') {
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos) {
            error = "unterminated IPv6 address";
            return std::nullopt;
        }
        ep.host = std::string(authority.substr(1, close - 1));
        const std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') {
                error = "unexpected characters after IPv6 address";
                return std::nullopt;
            }
            hasPort = true;
            portText = after.substr(1);
        }
    } else {
        const std::size_t colon = authority.find(':');
        ep.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) {
            hasPort = true;
            portText = authority.substr(colon + 1);
        }
    }
    if (ep.host.empty()) {
        error = "host is empty";
        return std::nullopt;
    }
    if (hasPort) {
        const auto port = parseNonNegative(portText);
        if (!port || *port < 1 || *port > 65535) {
            error = "port must be a number from 1 to 65535";
            return std::nullopt;
        }
        ep.port = *port;
    }

    if (!path.empty()) {
        const auto db = parseNonNegative(path);
        if (!db) {
            error = "database must be a non-negative number";
            return std::nullopt;
        }
        ep.db = *db;
    }
    return ep;
}

}  // namespace boxoffice::redis
