#include "admission/rate_limit_policy.hpp"

#include <charconv>

#include "util/duration.hpp"

namespace boxoffice::admission {

std::string_view budgetName(Budget b) {
    switch (b) {
        case Budget::Holds:
            return "holds";
        case Budget::Orders:
            return "orders";
        case Budget::Reads:
            return "reads";
    }
    return "reads";
}

std::string_view scopeName(Scope s) {
    return s == Scope::User ? "user" : "ip";
}

std::optional<Rate> parseRate(std::string_view text, std::string& error) {
    const auto slash = text.find('/');
    if (slash == std::string_view::npos || slash == 0) {
        error = "must be LIMIT/WINDOW such as 10/1s or 600/1m, got '" + std::string(text) + "'";
        return std::nullopt;
    }
    Rate r;
    const std::string_view n = text.substr(0, slash);
    const auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), r.limit);
    if (ec != std::errc{} || end != n.data() + n.size() || r.limit < 1 || r.limit > kMaxRateLimit) {
        error = "the limit must be an integer between 1 and " + std::to_string(kMaxRateLimit) + ", got '" +
                std::string(text) + "'";
        return std::nullopt;
    }
    auto ms = parseDurationMs(std::string(text.substr(slash + 1)));
    if (!ms || *ms < kMinRateWindow.count() || *ms > kMaxRateWindow.count()) {
        error = "the window must be a duration between 1s and 1h such as 1s or 1m, got '" + std::string(text) + "'";
        return std::nullopt;
    }
    r.window = std::chrono::milliseconds(*ms);
    return r;
}

std::string formatRate(const Rate& r) {
    const auto ms = r.window.count();
    std::string w = ms % 60'000 == 0  ? std::to_string(ms / 60'000) + "m"
                    : ms % 1'000 == 0 ? std::to_string(ms / 1'000) + "s"
                                      : std::to_string(ms) + "ms";
    return std::to_string(r.limit) + "/" + w;
}

Policy toPolicy(const Rate& rate, std::string name) {
    return Policy{std::move(name), rate.limit, rate.window, rate.limit};
}

bool ShowRateLimits::empty() const {
    for (const auto& b : rates)
        for (const auto& r : b)
            if (r) return false;
    return true;
}

}  // namespace boxoffice::admission
