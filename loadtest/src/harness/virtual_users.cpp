#include "harness/virtual_users.hpp"

#include <fstream>

#include <nlohmann/json.hpp>

#include "auth/jwt.hpp"

namespace boxoffice::load {
namespace {

std::optional<std::string> base64UrlDecode(std::string_view in) {
    std::string out;
    int buffer = 0, bits = 0;
    for (char ch : in) {
        int v;
        if (ch >= 'A' && ch <= 'Z')
            v = ch - 'A';
        else if (ch >= 'a' && ch <= 'z')
            v = ch - 'a' + 26;
        else if (ch >= '0' && ch <= '9')
            v = ch - '0' + 52;
        else if (ch == '-' || ch == '+')
            v = 62;
        else if (ch == '_' || ch == '/')
            v = 63;
        else if (ch == '=')
            break;
        else
            return std::nullopt;
        buffer = (buffer << 6) | v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xff);
        }
    }
    return out;
}

}  // namespace

std::vector<VirtualUser> mintUsers(const std::string& secret, const std::string& prefix, long long count,
                                   long long ttlSeconds) {
    SystemClock clock;
    auth::JwtCodec codec(secret, clock);
    std::vector<VirtualUser> users;
    users.reserve(static_cast<std::size_t>(count));
    for (long long i = 0; i < count; ++i) {
        VirtualUser u;
        u.id = prefix + "-" + std::to_string(i);
        u.token = codec.mint({u.id, auth::Role::User, std::chrono::seconds(ttlSeconds)});
        users.push_back(std::move(u));
    }
    return users;
}

std::optional<std::string> subjectOf(const std::string& token) {
    const auto a = token.find('.');
    if (a == std::string::npos) return std::nullopt;
    const auto b = token.find('.', a + 1);
    if (b == std::string::npos) return std::nullopt;
    auto payload = base64UrlDecode(std::string_view(token).substr(a + 1, b - a - 1));
    if (!payload) return std::nullopt;
    auto j = nlohmann::json::parse(*payload, nullptr, false);
    if (!j.is_object() || !j.contains("sub") || !j["sub"].is_string()) return std::nullopt;
    return j["sub"].get<std::string>();
}

std::optional<std::vector<VirtualUser>> readUsers(const std::string& path, long long count, std::string& error) {
    std::ifstream in(path);
    if (!in) {
        error = "cannot read " + path;
        return std::nullopt;
    }
    std::vector<VirtualUser> users;
    std::string line;
    while (static_cast<long long>(users.size()) < count && std::getline(in, line)) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        if (line.empty()) continue;
        auto sub = subjectOf(line);
        if (!sub) {
            error = path + ": line " + std::to_string(users.size() + 1) + " is not a JWT with a sub";
            return std::nullopt;
        }
        users.push_back({*sub, line});
    }
    if (static_cast<long long>(users.size()) < count) {
        error = path + " has " + std::to_string(users.size()) + " tokens, the scenario needs " + std::to_string(count);
        return std::nullopt;
    }
    return users;
}

}  // namespace boxoffice::load
