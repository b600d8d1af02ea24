#include "common/base_url.hpp"

#include <algorithm>

namespace boxoffice::load {

std::optional<BaseUrl> parseBaseUrl(std::string_view url, std::string& error) {
    BaseUrl out;
    std::string_view rest;
    if (url.rfind("http://", 0) == 0) {
        rest = url.substr(7);
    } else if (url.rfind("https://", 0) == 0) {
        rest = url.substr(8);
        out.tls = true;
    } else {
        error = "'" + std::string(url) + "' is not an http:// or https:// URL";
        return std::nullopt;
    }
    const auto slash = rest.find('/');
    if (slash != std::string_view::npos) {
        out.path = std::string(rest.substr(slash));
        rest = rest.substr(0, slash);
    }
    if (rest.find_first_of("@[]?#") != std::string_view::npos) {
        error = "'" + std::string(url) + "': user info, IPv6 literals, queries and fragments are not supported";
        return std::nullopt;
    }
    out.hostHeader = std::string(rest);
    const auto colon = rest.rfind(':');
    out.host = std::string(rest.substr(0, colon));
    out.port = colon == std::string_view::npos ? (out.tls ? "443" : "80") : std::string(rest.substr(colon + 1));
    const bool digits = !out.port.empty() && out.port.size() <= 5 &&
                        std::all_of(out.port.begin(), out.port.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (out.host.empty() || !digits || std::stol(out.port) < 1 || std::stol(out.port) > 65535) {
        error = "'" + std::string(url) + "' needs a host and a port in 1-65535";
        return std::nullopt;
    }
    return out;
}

}  // namespace boxoffice::load
