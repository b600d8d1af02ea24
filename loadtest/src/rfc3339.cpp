#include "rfc3339.hpp"

#include <cctype>
#include <ctime>

namespace boxoffice::load {
namespace {
bool digits(const std::string& s, std::size_t at, std::size_t n, int& out) {
    if (at + n > s.size()) return false;
    out = 0;
    for (std::size_t i = at; i < at + n; ++i) {
        if (std::isdigit(static_cast<unsigned char>(s[i])) == 0) return false;
        out = out * 10 + (s[i] - '0');
    }
    return true;
}
}  // namespace

std::optional<long long> parseRfc3339Ms(const std::string& s) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
    if (!digits(s, 0, 4, y) || s.size() < 19 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
        !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s, 11, 2, h) || s[13] != ':' ||
        !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, se))
        return std::nullopt;
    std::size_t i = 19;
    long long ms = 0;
    if (i < s.size() && s[i] == '.') {
        ++i;
        int scale = 100;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) != 0) {
            ms += (s[i] - '0') * scale;
            scale /= 10;
            ++i;
        }
    }
    long long offsetMin = 0;
    if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
        ++i;
    } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
        int oh = 0, om = 0;
        if (!digits(s, i + 1, 2, oh) || i + 3 >= s.size() || s[i + 3] != ':' || !digits(s, i + 4, 2, om))
            return std::nullopt;
        offsetMin = (s[i] == '-' ? -1 : 1) * (oh * 60 + om);
        i += 6;
    } else {
        return std::nullopt;
    }
    if (i != s.size()) return std::nullopt;
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    const long long epoch = static_cast<long long>(timegm(&tm));
    return (epoch - offsetMin * 60) * 1000 + ms;
}

}  // namespace boxoffice::load
