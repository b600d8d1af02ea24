#include "domain/time.hpp"

#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace boxoffice {

namespace {

// ---------------------------------------------------------------------------------------------
// Civil calendar: Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian,
// http://howardhinnant.github.io/date_algorithms.html). Exact for any int64 day count we can reach
// from an EpochMs, and free of the process-global state that timegm/gmtime_r/localtime touch.

struct CivilDate {
    std::int64_t year;
    unsigned month;  // 1..12
    unsigned day;    // 1..31
};

constexpr std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
    const std::int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

constexpr std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = floorDiv(y, 400);
    const auto yoe = static_cast<unsigned>(y - era * 400);                 // [0, 399]
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            // [0, 146096]
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

constexpr CivilDate civilFromDays(std::int64_t z) {
    z += 719468;
    const std::int64_t era = floorDiv(z, 146097);
    const auto doe = static_cast<unsigned>(z - era * 146097);                    // [0, 146096]
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);  // [0, 365]
    const unsigned mp = (5 * doy + 2) / 153;                       // [0, 11]
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;               // [1, 31]
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;                  // [1, 12]
    return {m <= 2 ? y + 1 : y, m, d};
}

static_assert(daysFromCivil(1970, 1, 1) == 0);
static_assert(daysFromCivil(2000, 3, 1) == 11017);
static_assert(civilFromDays(-1).year == 1969 && civilFromDays(-1).month == 12 && civilFromDays(-1).day == 31);

constexpr bool isLeapYear(std::int64_t y) {
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

constexpr unsigned daysInMonth(std::int64_t y, unsigned m) {
    constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && isLeapYear(y) ? 29 : kDays[m - 1];
}

// 1970-01-01 was a Thursday; 0 = Sunday as in POSIX TZ rules.
constexpr unsigned weekdayFromDays(std::int64_t days) {
    return static_cast<unsigned>(((days + 4) % 7 + 7) % 7);
}
static_assert(weekdayFromDays(0) == 4 && weekdayFromDays(-1) == 3 && weekdayFromDays(3) == 0);

constexpr std::int64_t kSecondsPerDay = 86400;
constexpr std::int64_t kMsPerDay = kSecondsPerDay * 1000;

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

// The service schedules real shows, so anything before the epoch or past four-digit years is a typo.
constexpr int kMinYear = 1970;
constexpr int kMaxYear = 9999;

std::optional<CivilDate> parseDate(std::string_view s) {
    if (s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    const auto y = digits(s, 0, 4);
    const auto m = digits(s, 5, 2);
    const auto d = digits(s, 8, 2);
    if (!y || !m || !d || *y < kMinYear || *y > kMaxYear || *m < 1 || *m > 12 || *d < 1) return std::nullopt;
    if (static_cast<unsigned>(*d) > daysInMonth(*y, static_cast<unsigned>(*m))) return std::nullopt;
    return CivilDate{*y, static_cast<unsigned>(*m), static_cast<unsigned>(*d)};
}

std::string formatDate(const CivilDate& c) {
    // Years here come from EpochMs; outside 0..9999 they would not fit the fixed format, and such
    // instants never come from validated input, so render them without zero padding rather than crash.
    std::string out;
    if (c.year >= 0 && c.year <= 9999) {
        const auto y = static_cast<int>(c.year);
        out = {static_cast<char>('0' + y / 1000), static_cast<char>('0' + y / 100 % 10),
               static_cast<char>('0' + y / 10 % 10), static_cast<char>('0' + y % 10)};
    } else {
        out = std::to_string(c.year);
    }
    out += '-';
    out += static_cast<char>('0' + c.month / 10);
    out += static_cast<char>('0' + c.month % 10);
    out += '-';
    out += static_cast<char>('0' + c.day / 10);
    out += static_cast<char>('0' + c.day % 10);
    return out;
}

void appendTwo(std::string& out, int v) {
    out += static_cast<char>('0' + v / 10);
    out += static_cast<char>('0' + v % 10);
}

// ---------------------------------------------------------------------------------------------
// POSIX TZ strings, as found in the footer of TZif v2+ files (RFC 8536 section 3.3), e.g.
// "CET-1CEST,M3.5.0,M10.5.0/3". They govern instants after the last transition, which matters for
// "slim" zoneinfo files (transitions stop at the last rule change, e.g. 1996 for Europe/Paris) and
// for any file past 2037.

struct PosixDateRule {
    enum class Kind { Julian1, Julian0, MonthWeekDay } kind = Kind::MonthWeekDay;
    int day = 0;                   // Jn: 1..365, n: 0..365, Mm.w.d: weekday 0..6
    int month = 0;                 // Mm.w.d only
    int week = 0;                  // Mm.w.d only, 5 = last
    std::int64_t time = 2 * 3600;  // seconds after local midnight; may be negative or > 24h (RFC 8536 3.3.1)
};

struct PosixTz {
    std::int32_t stdOffset = 0;  // seconds east of UTC
    bool hasDst = false;
    std::int32_t dstOffset = 0;
    PosixDateRule start;
    PosixDateRule end;
};

class PosixParser {
public:
    explicit PosixParser(std::string_view s) : s_(s) {}

    std::optional<PosixTz> parse() {
        PosixTz tz;
        if (!name()) return std::nullopt;
        const auto stdOff = offset(24);
        if (!stdOff) return std::nullopt;
        // POSIX offsets count hours west of Greenwich; TZif and everything else here count east.
        tz.stdOffset = static_cast<std::int32_t>(-*stdOff);
        if (done()) return tz;
        if (!name()) return std::nullopt;
        tz.hasDst = true;
        tz.dstOffset = tz.stdOffset + 3600;
        if (!done() && peek() != ',') {
            const auto dstOff = offset(24);
            if (!dstOff) return std::nullopt;
            tz.dstOffset = static_cast<std::int32_t>(-*dstOff);
        }
        // zic always writes the rule when there is DST; POSIX leaves a missing rule to the
        // implementation, so refuse to guess and let the caller fall back to the transition table.
        if (!eat(',')) return std::nullopt;
        const auto start = dateRule();
        if (!start || !eat(',')) return std::nullopt;
        const auto end = dateRule();
        if (!end || !done()) return std::nullopt;
        tz.start = *start;
        tz.end = *end;
        return tz;
    }

private:
    bool done() const { return pos_ == s_.size(); }
    char peek() const { return done() ? '\0' : s_[pos_]; }
    bool eat(char c) {
        if (peek() != c) return false;
        ++pos_;
        return true;
    }
    static bool isAlpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
    static bool isDigit(char c) { return c >= '0' && c <= '9'; }

    bool name() {
        const std::size_t begin = pos_;
        if (eat('<')) {
            while (!done() && (isAlpha(peek()) || isDigit(peek()) || peek() == '+' || peek() == '-')) ++pos_;
            return pos_ - begin - 1 >= 3 && eat('>');
        }
        while (!done() && isAlpha(peek())) ++pos_;
        return pos_ - begin >= 3;
    }

    std::optional<std::int64_t> number(int maxDigits) {
        int count = 0;
        std::int64_t v = 0;
        while (!done() && isDigit(peek()) && count < maxDigits) {
            v = v * 10 + (peek() - '0');
            ++pos_;
            ++count;
        }
        if (count == 0) return std::nullopt;
        return v;
    }

    // [+-]hh[:mm[:ss]] in seconds, sign as written.
    std::optional<std::int64_t> offset(std::int64_t maxHours) {
        std::int64_t sign = 1;
        if (eat('-'))
            sign = -1;
        else
            eat('+');
        const auto h = number(3);
        if (!h || *h > maxHours) return std::nullopt;
        std::int64_t total = *h * 3600;
        if (eat(':')) {
            const auto m = number(2);
            if (!m || *m > 59) return std::nullopt;
            total += *m * 60;
            if (eat(':')) {
                const auto sec = number(2);
                if (!sec || *sec > 59) return std::nullopt;
                total += *sec;
            }
        }
        return sign * total;
    }

    std::optional<PosixDateRule> dateRule() {
        PosixDateRule r;
        if (eat('J')) {
            const auto n = number(3);
            if (!n || *n < 1 || *n > 365) return std::nullopt;
            r.kind = PosixDateRule::Kind::Julian1;
            r.day = static_cast<int>(*n);
        } else if (eat('M')) {
            const auto m = number(2);
            if (!m || *m < 1 || *m > 12 || !eat('.')) return std::nullopt;
            const auto w = number(1);
            if (!w || *w < 1 || *w > 5 || !eat('.')) return std::nullopt;
            const auto d = number(1);
            if (!d || *d > 6) return std::nullopt;
            r.kind = PosixDateRule::Kind::MonthWeekDay;
            r.month = static_cast<int>(*m);
            r.week = static_cast<int>(*w);
            r.day = static_cast<int>(*d);
        } else {
            const auto n = number(3);
            if (!n || *n > 365) return std::nullopt;
            r.kind = PosixDateRule::Kind::Julian0;
            r.day = static_cast<int>(*n);
        }
        if (eat('/')) {
            // RFC 8536 3.3.1 extends the rule time to -167..167 hours (zic emits e.g. "M3.5.0/-2").
            const auto t = offset(167);
            if (!t) return std::nullopt;
            r.time = *t;
        }
        return r;
    }

    std::string_view s_;
    std::size_t pos_ = 0;
};

// Days since the epoch of the local date a rule names in `year`.
std::int64_t ruleDay(const PosixDateRule& r, std::int64_t year) {
    const std::int64_t jan1 = daysFromCivil(year, 1, 1);
    switch (r.kind) {
        case PosixDateRule::Kind::Julian1:
            // Jn never counts Feb 29, so J60 is always March 1.
            return jan1 + r.day - 1 + (isLeapYear(year) && r.day >= 60 ? 1 : 0);
        case PosixDateRule::Kind::Julian0:
            return jan1 + r.day;
        case PosixDateRule::Kind::MonthWeekDay: {
            const auto month = static_cast<unsigned>(r.month);
            const std::int64_t first = daysFromCivil(year, month, 1);
            const auto firstWeekday = static_cast<int>(weekdayFromDays(first));
            int dom = 1 + (r.day - firstWeekday + 7) % 7 + (r.week - 1) * 7;
            while (static_cast<unsigned>(dom) > daysInMonth(year, month)) dom -= 7;
            return first + dom - 1;
        }
    }
    return jan1;
}

std::int32_t posixOffsetAt(const PosixTz& tz, std::int64_t utcSeconds) {
    if (!tz.hasDst) return tz.stdOffset;
    const std::int64_t year = civilFromDays(floorDiv(utcSeconds + tz.stdOffset, kSecondsPerDay)).year;
    // The start time is written in standard time and the end time in daylight time (POSIX).
    const std::int64_t startUtc = ruleDay(tz.start, year) * kSecondsPerDay + tz.start.time - tz.stdOffset;
    const std::int64_t endUtc = ruleDay(tz.end, year) * kSecondsPerDay + tz.end.time - tz.dstOffset;
    const bool inDst = startUtc < endUtc ? (utcSeconds >= startUtc && utcSeconds < endUtc)
                                         // Southern hemisphere: DST spans the new year.
                                         : !(utcSeconds >= endUtc && utcSeconds < startUtc);
    return inDst ? tz.dstOffset : tz.stdOffset;
}

// ---------------------------------------------------------------------------------------------
// TZif reader (RFC 8536). Only what localDate needs: transition instants and each type's UT offset.

struct Zone {
    std::vector<std::int64_t> transitions;  // strictly ascending UTC seconds
    std::vector<std::uint8_t> transitionTypes;
    std::vector<std::int32_t> typeOffsets;
    std::optional<PosixTz> footer;

    std::int32_t offsetAt(std::int64_t utcSeconds) const {
        if (transitions.empty()) return footer ? posixOffsetAt(*footer, utcSeconds) : typeOffsets.front();
        // RFC 8536 3.2: before the first transition, type 0 applies.
        if (utcSeconds < transitions.front()) return typeOffsets.front();
        const auto it = std::upper_bound(transitions.begin(), transitions.end(), utcSeconds);
        const auto idx = static_cast<std::size_t>(std::distance(transitions.begin(), it) - 1);
        if (idx + 1 == transitions.size() && footer) return posixOffsetAt(*footer, utcSeconds);
        return typeOffsets[transitionTypes[idx]];
    }
};

class ByteReader {
public:
    explicit ByteReader(std::string_view data) : data_(data) {}
    bool has(std::size_t n) const { return data_.size() - pos_ >= n; }
    std::size_t pos() const { return pos_; }
    void skip(std::size_t n) { pos_ += n; }
    std::uint8_t u8() { return static_cast<std::uint8_t>(data_[pos_++]); }
    std::uint32_t u32() {
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) v = (v << 8) | u8();
        return v;
    }
    std::uint64_t u64() {
        std::uint64_t v = 0;
        for (int i = 0; i < 8; ++i) v = (v << 8) | u8();
        return v;
    }
    std::string_view rest() const { return data_.substr(pos_); }

private:
    std::string_view data_;
    std::size_t pos_ = 0;
};

struct TzifHeader {
    char version = 0;
    std::uint32_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;
};

std::optional<TzifHeader> readHeader(ByteReader& r) {
    if (!r.has(44)) return std::nullopt;
    if (r.u8() != 'T' || r.u8() != 'Z' || r.u8() != 'i' || r.u8() != 'f') return std::nullopt;
    TzifHeader h;
    h.version = static_cast<char>(r.u8());
    r.skip(15);
    h.isutcnt = r.u32();
    h.isstdcnt = r.u32();
    h.leapcnt = r.u32();
    h.timecnt = r.u32();
    h.typecnt = r.u32();
    h.charcnt = r.u32();
    // Sanity bounds keep a corrupt file from driving huge allocations; real zones have < 2000 transitions.
    if (h.typecnt == 0 || h.typecnt > 256 || h.timecnt > 100000 || h.leapcnt > 10000 || h.charcnt > 10000 ||
        (h.isutcnt != 0 && h.isutcnt != h.typecnt) || (h.isstdcnt != 0 && h.isstdcnt != h.typecnt)) {
        return std::nullopt;
    }
    return h;
}

std::size_t dataBlockSize(const TzifHeader& h, std::size_t timeSize) {
    return std::size_t{h.timecnt} * timeSize + h.timecnt + std::size_t{h.typecnt} * 6 + h.charcnt +
           std::size_t{h.leapcnt} * (timeSize + 4) + h.isstdcnt + h.isutcnt;
}

std::optional<Zone> readDataBlock(ByteReader& r, const TzifHeader& h, std::size_t timeSize) {
    if (!r.has(dataBlockSize(h, timeSize))) return std::nullopt;
    Zone z;
    z.transitions.reserve(h.timecnt);
    for (std::uint32_t i = 0; i < h.timecnt; ++i) {
        const std::int64_t t = timeSize == 8 ? static_cast<std::int64_t>(r.u64())
                                             : static_cast<std::int64_t>(static_cast<std::int32_t>(r.u32()));
        if (!z.transitions.empty() && t <= z.transitions.back()) return std::nullopt;
        z.transitions.push_back(t);
    }
    z.transitionTypes.reserve(h.timecnt);
    for (std::uint32_t i = 0; i < h.timecnt; ++i) {
        const std::uint8_t idx = r.u8();
        if (idx >= h.typecnt) return std::nullopt;
        z.transitionTypes.push_back(idx);
    }
    z.typeOffsets.reserve(h.typecnt);
    for (std::uint32_t i = 0; i < h.typecnt; ++i) {
        const auto utoff = static_cast<std::int32_t>(r.u32());
        r.skip(2);  // isdst, desigidx: the date only needs the offset
        // RFC 8536 bounds offsets to -25h..+26h; anything else is corruption.
        if (utoff < -89999 || utoff > 93599) return std::nullopt;
        z.typeOffsets.push_back(utoff);
    }
    r.skip(h.charcnt + std::size_t{h.leapcnt} * (timeSize + 4) + h.isstdcnt + h.isutcnt);
    return z;
}

std::optional<Zone> parseTzif(std::string_view data) {
    ByteReader r(data);
    const auto v1 = readHeader(r);
    if (!v1) return std::nullopt;
    if (v1->version == '\0') return readDataBlock(r, *v1, 4);

    // v2+: the v1 block only exists for old readers; the 64-bit block and footer are authoritative.
    if (!r.has(dataBlockSize(*v1, 4))) return std::nullopt;
    r.skip(dataBlockSize(*v1, 4));
    const auto v2 = readHeader(r);
    if (!v2) return std::nullopt;
    auto zone = readDataBlock(r, *v2, 8);
    if (!zone) return std::nullopt;
    // Footer "\n<TZ string>\n". An unparseable footer is not fatal: the transition table still holds.
    const std::string_view rest = r.rest();
    if (rest.size() >= 2 && rest.front() == '\n') {
        const auto nl = rest.find('\n', 1);
        if (nl != std::string_view::npos && nl > 1) zone->footer = PosixParser(rest.substr(1, nl - 1)).parse();
    }
    return zone;
}

constexpr std::size_t kMaxTzNameLength = 64;
constexpr std::size_t kMaxTzifBytes = 1 << 20;

bool isSafeZoneName(std::string_view tz) {
    if (tz.empty() || tz.size() > kMaxTzNameLength) return false;
    std::size_t segmentStart = 0;
    for (std::size_t i = 0; i <= tz.size(); ++i) {
        if (i == tz.size() || tz[i] == '/') {
            // No empty segments (leading '/', "//", trailing '/') and none starting with '.', which
            // covers "." and ".." and keeps every lookup inside the zoneinfo directory.
            if (i == segmentStart || tz[segmentStart] == '.') return false;
            segmentStart = i + 1;
            continue;
        }
        const char c = tz[i];
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                        c == '-' || c == '+' || c == '.';
        if (!ok) return false;
    }
    return true;
}

std::string zoneinfoDir() {
    // getenv is only unsafe against a concurrent setenv, which this service never does after start-up.
    const char* dir = std::getenv("TZDIR");
    return dir != nullptr && *dir != '\0' ? std::string(dir) : std::string("/usr/share/zoneinfo");
}

std::optional<Zone> loadZoneFile(std::string_view tz) {
    std::ifstream in(zoneinfoDir() + "/" + std::string(tz), std::ios::binary);
    if (!in) return std::nullopt;
    std::string data;
    std::array<char, 4096> buf{};
    // Bounded read: an unexpectedly large file (or a device someone linked in) must not be slurped whole.
    while (in.read(buf.data(), buf.size()) || in.gcount() > 0) {
        data.append(buf.data(), static_cast<std::size_t>(in.gcount()));
        if (data.size() > kMaxTzifBytes) return std::nullopt;
    }
    return parseTzif(data);
}

// Parsed zones are immutable once built, so readers share them without holding the lock. Only
// successes are cached: the zoneinfo tree bounds the map (~600 entries) whatever names callers send.
class ZoneCache {
public:
    std::shared_ptr<const Zone> find(std::string_view tz) {
        if (!isSafeZoneName(tz)) return nullptr;
        {
            const std::lock_guard<std::mutex> lock(mu_);
            if (const auto it = zones_.find(tz); it != zones_.end()) return it->second;
        }
        // Read outside the lock so a slow disk does not stall other zones; a duplicate parse on a
        // cold race is harmless and emplace keeps whichever finished first.
        auto zone = loadZoneFile(tz);
        if (!zone) return nullptr;
        auto shared = std::make_shared<const Zone>(std::move(*zone));
        const std::lock_guard<std::mutex> lock(mu_);
        return zones_.emplace(std::string(tz), std::move(shared)).first->second;
    }

private:
    std::mutex mu_;
    std::map<std::string, std::shared_ptr<const Zone>, std::less<>> zones_;
};

ZoneCache& zoneCache() {
    // A process-wide cache of read-only system data, not business state: the zoneinfo files are the
    // same for every caller, so injecting one would only add plumbing.
    static ZoneCache cache;
    return cache;
}

}  // namespace

std::optional<EpochMs> parseRfc3339(std::string_view text) {
    const auto date = parseDate(text);
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
    std::int64_t offsetSeconds = 0;
    const char z = text[pos];
    if (z == 'Z' || z == 'z') {
        ++pos;
    } else if (z == '+' || z == '-') {
        if (pos + 6 != text.size() || text[pos + 3] != ':') return std::nullopt;
        const auto oh = digits(text, pos + 1, 2);
        const auto om = digits(text, pos + 4, 2);
        if (!oh || !om || *oh > 23 || *om > 59) return std::nullopt;
        offsetSeconds = (*oh * 3600 + *om * 60) * (z == '-' ? -1 : 1);
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != text.size()) return std::nullopt;

    const std::int64_t days = daysFromCivil(date->year, date->month, date->day);
    const std::int64_t seconds = days * kSecondsPerDay + *hh * 3600 + *mm * 60 + *ss - offsetSeconds;
    // The year range holds for the instant in UTC too, as formatRfc3339 writes it back: an offset
    // must not carry 1970-01-01T00:30+01:00 into 1969, or 9999-12-31T23:30-01:00 into 10000.
    constexpr std::int64_t kLastMs = 253'402'300'799'999;  // 9999-12-31T23:59:59.999Z
    const std::int64_t ms = seconds * 1000 + millis;
    if (ms < 0 || ms > kLastMs) return std::nullopt;
    return ms;
}

std::string formatRfc3339(EpochMs ms) {
    const std::int64_t days = floorDiv(ms, kMsPerDay);
    const std::int64_t msOfDay = ms - days * kMsPerDay;
    const auto secOfDay = static_cast<int>(msOfDay / 1000);
    const auto millis = static_cast<int>(msOfDay % 1000);
    std::string out = formatDate(civilFromDays(days));
    out += 'T';
    appendTwo(out, secOfDay / 3600);
    out += ':';
    appendTwo(out, secOfDay / 60 % 60);
    out += ':';
    appendTwo(out, secOfDay % 60);
    out += '.';
    out += static_cast<char>('0' + millis / 100);
    appendTwo(out, millis % 100);
    out += 'Z';
    return out;
}

bool isValidDate(std::string_view text) {
    return text.size() == 10 && parseDate(text).has_value();
}

bool isValidTimezone(std::string_view tz) {
    return zoneCache().find(tz) != nullptr;
}

std::string localDate(EpochMs ms, std::string_view tz) {
    const std::int64_t utcSeconds = floorDiv(ms, 1000);
    const auto zone = zoneCache().find(tz);
    const std::int64_t offset = zone ? zone->offsetAt(utcSeconds) : 0;
    return formatDate(civilFromDays(floorDiv(utcSeconds + offset, kSecondsPerDay)));
}

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
        factor = kMsPerDay;
    else
        return std::nullopt;
    if (value > LLONG_MAX / factor) return std::nullopt;
    return value * factor;
}

}  // namespace boxoffice
