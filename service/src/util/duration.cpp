#include "util/duration.hpp"

#include <climits>

namespace boxoffice {

std::optional<long long> parseDurationMs(std::string_view text) {
    std::size_t pos = 0;
    long long value = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        const int digit = text[pos] - '0';
        if (value > (LLONG_MAX - digit) / 10) return std::nullopt;
        value = value * 10 + digit;
        ++pos;
    }
    if (pos == 0) return std::nullopt;
    const std::string_view unit = text.substr(pos);
    long long factor = 0;
    if (unit.empty() || unit == "s")
        factor = 1000;
    else if (unit == "ms")
        factor = 1;
    else if (unit == "m")
        factor = 60LL * 1000;
    else if (unit == "h")
        factor = 3600LL * 1000;
    else if (unit == "d")
        factor = 86400LL * 1000;
    else
        return std::nullopt;
    if (value > LLONG_MAX / factor) return std::nullopt;
    return value * factor;
}

}  // namespace boxoffice
