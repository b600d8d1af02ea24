#include "domain/refund_policy.hpp"

#include <algorithm>
#include <charconv>

namespace boxoffice {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool parseNumber(std::string_view s, long long& out) {
    if (s.empty()) return false;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && end == s.data() + s.size();
}

// "7d", "24h", "30m", "45s" -> milliseconds; false when malformed.
bool parseBefore(std::string_view s, std::chrono::milliseconds& out) {
    if (s.size() < 2) return false;
    long long n = 0;
    if (!parseNumber(s.substr(0, s.size() - 1), n) || n < 0 || n > 3650LL * 24) return false;
    switch (s.back()) {
        case 'd':
            out = std::chrono::hours(24 * n);
            return true;
        case 'h':
            out = std::chrono::hours(n);
            return true;
        case 'm':
            out = std::chrono::minutes(n);
            return true;
        case 's':
            out = std::chrono::seconds(n);
            return true;
        default:
            return false;
    }
}

std::string formatBefore(std::chrono::milliseconds ms) {
    const long long s = ms.count() / 1000;
    if (s % 86400 == 0 && s > 0) return std::to_string(s / 86400) + "d";
    if (s % 3600 == 0 && s > 0) return std::to_string(s / 3600) + "h";
    if (s % 60 == 0 && s > 0) return std::to_string(s / 60) + "m";
    return std::to_string(s) + "s";
}

}  // namespace

int RefundPolicy::percentAt(EpochMs now, EpochMs startsAt) const {
    if (now >= startsAt) return 0;
    const EpochMs left = startsAt - now;
    for (const auto& t : tiers)
        if (left >= t.before.count()) return t.percent;
    return 0;
}

Result<RefundPolicy> makeRefundPolicy(std::vector<RefundTier> tiers, const std::string& field) {
    std::vector<FieldError> errs;
    for (std::size_t i = 0; i < tiers.size(); ++i) {
        const std::string at = field + "[" + std::to_string(i) + "]";
        if (tiers[i].percent < 0 || tiers[i].percent > 100) errs.push_back({at + ".percent", "must be 0-100"});
        if (tiers[i].before.count() < 0) errs.push_back({at, "must not end after the show starts"});
    }
    if (!errs.empty()) return Error::validation(std::move(errs));
    std::stable_sort(tiers.begin(), tiers.end(),
                     [](const RefundTier& a, const RefundTier& b) { return a.before > b.before; });
    for (std::size_t i = 1; i < tiers.size(); ++i) {
        if (tiers[i].before == tiers[i - 1].before)
            return Error::validation(field, "two tiers start at " + formatBefore(tiers[i].before) + " before the show");
        if (tiers[i].percent > tiers[i - 1].percent)
            return Error::validation(field, "a tier nearer the start (" + formatBefore(tiers[i].before) +
                                                ") gives back more than one further from it");
    }
    return RefundPolicy{std::move(tiers)};
}

Result<RefundPolicy> parseRefundPolicy(std::string_view text) {
    text = trim(text);
    if (text.empty() || text == "none") return RefundPolicy{};
    std::vector<RefundTier> tiers;
    while (!text.empty()) {
        const auto comma = text.find(',');
        const std::string_view item = trim(text.substr(0, comma));
        text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
        const auto colon = item.find(':');
        RefundTier t;
        long long percent = -1;
        if (colon == std::string_view::npos || !parseBefore(trim(item.substr(0, colon)), t.before) ||
            !parseNumber(trim(item.substr(colon + 1)), percent) || percent < 0 || percent > 100)
            return Error::validation("refundPolicy",
                                     "'" + std::string(item) + "' is not duration:percent (e.g. 7d:100,24h:50)");
        t.percent = static_cast<int>(percent);
        tiers.push_back(t);
    }
    return makeRefundPolicy(std::move(tiers), "refundPolicy");
}

std::string formatRefundPolicy(const RefundPolicy& policy) {
    if (policy.tiers.empty()) return "none";
    std::string out;
    for (const auto& t : policy.tiers) {
        if (!out.empty()) out += ',';
        out += formatBefore(t.before) + ":" + std::to_string(t.percent);
    }
    return out;
}

std::int64_t refundShare(std::int64_t priceMinor, int percent) {
    if (priceMinor <= 0 || percent <= 0) return 0;
    if (percent >= 100) return priceMinor;
    // Exact for any price a show can have (below 2^63 / 100).
    return priceMinor / 100 * percent + priceMinor % 100 * percent / 100;
}

}  // namespace boxoffice
