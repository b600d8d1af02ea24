#include "util/redact.hpp"

#include <regex>

namespace boxoffice::util {
namespace {

bool lowerHex(std::string_view s) {
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

bool allZero(std::string_view s) {
    return s.find_first_not_of('0') == std::string_view::npos;
}

}  // namespace

std::string redactSecrets(std::string_view text) {
    // Only on error paths (an internal message about to be logged): regex cost does not matter.
    static const std::regex row(R"(Failing row contains \([^)]*\))");
    static const std::regex email(R"([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})");
    static const std::regex bearer(R"(bearer\s+[A-Za-z0-9._~+/=-]+)", std::regex::icase);
    static const std::regex jwt(R"(eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)");
    static const std::regex urlPassword(R"(://([^:/@\s]*):[^@\s]*@)");
    static const std::regex pair(R"((password|passwd|pwd|secret|token|authorization)\s*[=:]\s*[^&\s,;]+)",
                                 std::regex::icase);
    std::string s(text);
    s = std::regex_replace(s, row, "Failing row contains [redacted]");
    s = std::regex_replace(s, urlPassword, "://$1:[redacted]@");
    s = std::regex_replace(s, email, "[email]");
    s = std::regex_replace(s, bearer, "Bearer [redacted]");
    s = std::regex_replace(s, jwt, "[token]");
    s = std::regex_replace(s, pair, "$1=[redacted]");
    return s;
}

std::optional<std::string> traceIdOf(const std::optional<std::string>& traceparent) {
    if (!traceparent || traceparent->size() != 55) return std::nullopt;
    const std::string_view tp(*traceparent);
    if (tp[2] != '-' || tp[35] != '-' || tp[52] != '-') return std::nullopt;
    const auto version = tp.substr(0, 2), trace = tp.substr(3, 32), parent = tp.substr(36, 16),
               flags = tp.substr(53, 2);
    if (!lowerHex(version) || !lowerHex(trace) || !lowerHex(parent) || !lowerHex(flags)) return std::nullopt;
    if (version == "ff" || allZero(trace) || allZero(parent)) return std::nullopt;
    return std::string(trace);
}

}  // namespace boxoffice::util
