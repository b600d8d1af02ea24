#include "util/rfc3339.hpp"

namespace boxoffice {
namespace {

using namespace std::chrono;

// The service schedules real shows, so anything before the epoch or past four-digit years is a typo.
constexpr int kMinYear = 1970;
constexpr int kMaxYear = 9999;
constexpr std::int64_t kLastMs = 253'402'300'799'999;  // 9999-12-31T23:59:59.999Z

// Reads exactly `n` ASCII digits at `pos`; nullopt when any is not a digit or the text is short.
std::optional<int> digits(std::string_view s, std::size_t pos, std::size_t n) {
    if (pos + n > s.size()) return std::nullopt;
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return std::nullopt;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

// The full-date the text starts with.
std::optional<year_month_day> fullDateAt(std::string_view s) {
    if (s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    const auto y = digits(s, 0, 4);
    const auto m = digits(s, 5, 2);
    const auto d = digits(s, 8, 2);
    if (!y || !m || !d || *y < kMinYear || *y > kMaxYear) return std::nullopt;
    const year_month_day date{year{*y}, month{static_cast<unsigned>(*m)}, day{static_cast<unsigned>(*d)}};
    if (!date.ok()) return std::nullopt;
    return date;
}

void appendTwo(std::string& out, long long v) {
    out += static_cast<char>('0' + v / 10);
    out += static_cast<char>('0' + v % 10);
}

}  // namespace

std::optional<year_month_day> parseFullDate(std::string_view text) {
    if (text.size() != 10) return std::nullopt;
    return fullDateAt(text);
}

std::string formatFullDate(year_month_day date) {
    const int y = static_cast<int>(date.year());
    std::string out;
    if (y >= 0 && y <= 9999) {
        out = {static_cast<char>('0' + y / 1000), static_cast<char>('0' + y / 100 % 10),
               static_cast<char>('0' + y / 10 % 10), static_cast<char>('0' + y % 10)};
    } else {
        out = std::to_string(y);
    }
    out += '-';
    appendTwo(out, static_cast<unsigned>(date.month()));
    out += '-';
    appendTwo(out, static_cast<unsigned>(date.day()));
    return out;
}

std::optional<std::int64_t> parseRfc3339(std::string_view text) {
    const auto date = fullDateAt(text);
    if (!date || text.size() < 20) return std::nullopt;
    const char sep = text[10];
    if (sep != 'T' && sep != 't' && sep != ' ') return std::nullopt;
    if (text[13] != ':' || text[16] != ':') return std::nullopt;
    const auto hh = digits(text, 11, 2);
    const auto mm = digits(text, 14, 2);
    const auto ss = digits(text, 17, 2);
    // Second 60 (a leap second) cannot be represented as epoch time; reject rather than silently shift it.
    if (!hh || !mm || !ss || *hh > 23 || *mm > 59 || *ss > 59) return std::nullopt;

    std::size_t pos = 19;
    int millis = 0;
    if (text[pos] == '.') {
        ++pos;
        const std::size_t fracStart = pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            if (pos - fracStart < 3) millis = millis * 10 + (text[pos] - '0');
            ++pos;
        }
        if (pos == fracStart) return std::nullopt;
        for (std::size_t n = pos - fracStart; n < 3; ++n) millis *= 10;
    }

    if (pos >= text.size()) return std::nullopt;
    minutes offset{0};
    const char z = text[pos];
    if (z == 'Z' || z == 'z') {
        ++pos;
    } else if (z == '+' || z == '-') {
        if (pos + 6 != text.size() || text[pos + 3] != ':') return std::nullopt;
        const auto oh = digits(text, pos + 1, 2);
        const auto om = digits(text, pos + 4, 2);
        if (!oh || !om || *oh > 23 || *om > 59) return std::nullopt;
        offset = (hours{*oh} + minutes{*om}) * (z == '-' ? -1 : 1);
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != text.size()) return std::nullopt;

    const sys_time<milliseconds> instant =
        sys_days{*date} + hours{*hh} + minutes{*mm} + seconds{*ss} + milliseconds{millis} - offset;
    // The year range holds for the instant in UTC too, as formatRfc3339 writes it back: an offset
    // must not carry 1970-01-01T00:30+01:00 into 1969, or 9999-12-31T23:30-01:00 into 10000.
    const std::int64_t ms = instant.time_since_epoch().count();
    if (ms < 0 || ms > kLastMs) return std::nullopt;
    return ms;
}

std::string formatRfc3339(std::int64_t epochMs) {
    const sys_time<milliseconds> instant{milliseconds{epochMs}};
    // floor, not truncation: pre-epoch instants belong to the day before.
    const sys_days day = floor<days>(instant);
    const hh_mm_ss<milliseconds> time{instant - day};
    std::string out = formatFullDate(year_month_day{day});
    out += 'T';
    appendTwo(out, time.hours().count());
    out += ':';
    appendTwo(out, time.minutes().count());
    out += ':';
    appendTwo(out, time.seconds().count());
    out += '.';
    const auto millis = time.subseconds().count();
    out += static_cast<char>('0' + millis / 100);
    appendTwo(out, millis % 100);
    out += 'Z';
    return out;
}

}  // namespace boxoffice
