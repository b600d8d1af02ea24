#pragma once
// What is limited, and how much: three budgets (holds, orders and payments, reads), each per
// authenticated user and per client IP; the configured defaults and a show's own override.
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "admission/client_ip.hpp"
#include "admission/gcra.hpp"
#include "domain/clock.hpp"
#include "domain/ids.hpp"
#include "domain/result.hpp"

namespace boxoffice::admission {

enum class Budget { Holds, Orders, Reads };
inline constexpr std::array<Budget, 3> kBudgets = {Budget::Holds, Budget::Orders, Budget::Reads};
/// "holds", "orders", "reads": config names, JSON fields, metric labels and RateLimit-Policy items.
std::string_view budgetName(Budget b);

enum class Scope { User, Ip };
inline constexpr std::array<Scope, 2> kScopes = {Scope::User, Scope::Ip};
std::string_view scopeName(Scope s);  // "user", "ip"

/// `limit` requests per `window`; burst = limit (a window's worth may come at once).
struct Rate {
    std::int64_t limit = 1;
    std::chrono::milliseconds window{1'000};
    bool operator==(const Rate& o) const { return limit == o.limit && window == o.window; }
};

inline constexpr std::int64_t kMaxRateLimit = 1'000'000;
inline constexpr std::chrono::milliseconds kMinRateWindow{1'000};  // the headers speak whole seconds
inline constexpr std::chrono::milliseconds kMaxRateWindow{3'600'000};

/// "10/1s", "600/1m" -> a Rate within the bounds above; `error` says why not.
std::optional<Rate> parseRate(std::string_view text, std::string& error);
std::string formatRate(const Rate& r);  // "10/1s"

/// The GCRA policy of a rate in a budget (named for the RateLimit-Policy header).
Policy toPolicy(const Rate& rate, std::string name);

struct BudgetLimits {
    Rate perUser;
    Rate perIp;
    const Rate& of(Scope s) const { return s == Scope::User ? perUser : perIp; }
};

/// The defaults, by Budget. Per user they are tight: a person in a sale makes a few holds a second.
/// Per client IP they are generous: one address may be a carrier's NAT with thousands of buyers
/// behind it, and behind a proxy missing from BOXOFFICE_TRUSTED_PROXIES every request comes from
/// the proxy. The load harness sends everything from 127.0.0.1 and sets the per-IP limits itself.
inline constexpr std::array<BudgetLimits, 3> kDefaultBudgets = {{
    {{10, std::chrono::seconds(1)}, {1000, std::chrono::seconds(1)}},  // holds
    {{10, std::chrono::seconds(1)}, {500, std::chrono::seconds(1)}},   // orders and payments
    {{50, std::chrono::seconds(1)}, {2000, std::chrono::seconds(1)}},  // reads
}};

/// BOXOFFICE_RATE_LIMIT_* and BOXOFFICE_TRUSTED_PROXIES (read in app/config.cpp).
struct RateLimitSettings {
    bool enabled = true;
    std::array<BudgetLimits, 3> budgets = kDefaultBudgets;  // by Budget
    std::vector<Cidr> trustedProxies;                       // BOXOFFICE_TRUSTED_PROXIES
    std::chrono::milliseconds overrideRefresh{5'000};
    // The whole of a Redis check (connect, exchange): it runs on a reactor thread, so it is short
    // and the limiter fails open past it rather than stall every connection of that thread.
    std::chrono::milliseconds redisTimeout{50};
    std::size_t maxKeys = 1'000'000;  // the in-process limiter's bound

    const BudgetLimits& of(Budget b) const { return budgets[static_cast<std::size_t>(b)]; }
};

/// A show's own limits, set by an admin: any of the six rates; an absent one keeps the default.
struct ShowRateLimits {
    ShowId show;
    std::array<std::array<std::optional<Rate>, 2>, 3> rates{};  // [Budget][Scope]
    EpochMs updatedAt = 0;
    std::string updatedBy;

    const std::optional<Rate>& of(Budget b, Scope s) const {
        return rates[static_cast<std::size_t>(b)][static_cast<std::size_t>(s)];
    }
    std::optional<Rate>& of(Budget b, Scope s) {
        return rates[static_cast<std::size_t>(b)][static_cast<std::size_t>(s)];
    }
    bool empty() const;
};

/// Where a show's overrides are kept (SQL: migrations/000011_show_rate_limits).
class ShowRateLimitRepository {
public:
    virtual ~ShowRateLimitRepository() = default;
    /// Every show that has an override (a small table: read whole by the cache).
    virtual Result<std::vector<ShowRateLimits>> loadAll() = 0;
    /// Replaces the show's override; an empty one removes it. NotFound when the show does not exist.
    virtual Result<void> replace(const ShowRateLimits& limits) = 0;
};

}  // namespace boxoffice::admission
