#pragma once
// The rate limit step of the middleware chain, after authentication: which budget a route spends
// (holds: POST /v1/holds and DELETE /v1/holds/{id}; orders: POST /v1/orders, confirm-payment,
// cancel; reads: every GET under /v1/), the keys it is counted on (the user, and the client IP;
// both are checked and the tighter answer wins), the show's override when the request names a
// show, and the answer: a 429 problem with Retry-After, and the RateLimit-Policy / RateLimit
// fields of draft-ietf-httpapi-ratelimit-headers-10 on every answer of a limited route.
// A store that cannot answer lets the request through (fail open) and is counted. The check never
// blocks a thread: the pipeline runs it on the reactor and goes on when the verdict comes. A key
// just refused is refused again from memory until its retry-after (admission/denial_cache.hpp).
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "admission/denial_cache.hpp"
#include "admission/rate_limit_policy.hpp"
#include "admission/rate_limiter.hpp"
#include "admission/show_rate_limit_cache.hpp"
#include "http/message.hpp"
#include "http/router.hpp"

namespace boxoffice::metrics {
class RateLimitMetrics;
}

namespace boxoffice::http {

struct RateLimitVerdict {
    std::optional<Response> rejection;                         // set: answer this (429) now
    std::vector<std::pair<std::string, std::string>> headers;  // add these to the route's answer
};

class RateLimitGate {
public:
    using Now = std::function<admission::Micros()>;  // microseconds since the Unix epoch

    /// `overrides` and `metrics` may be null. `now` defaults to the system clock.
    RateLimitGate(admission::RateLimitSettings settings, admission::RateLimiter& limiter,
                  const admission::ShowRateLimitCache* overrides, const metrics::RateLimitMetrics* metrics,
                  Now now = {});

    /// The budget a route spends, if any.
    static std::optional<admission::Budget> budgetOf(Method method, const std::string& pattern);
    /// The show a request names: the path's {id} of /v1/shows/{id}..., or a hold body's showId.
    static std::optional<std::string> showOf(const Request& request, const std::string& pattern);

    using Admitted = std::function<void(RateLimitVerdict)>;
    /// Counts `request` (matched to `route`, authenticated) against `budget` (the route's, from
    /// budgetOf, found once per route by the caller) and gives the verdict to `done`: before
    /// returning when switched off or with an in-process limiter, later on the limiter's thread
    /// for Redis. Never waits; `request` need not outlive the call.
    void admit(const Request& request, const Route& route, admission::Budget budget, Admitted done) const;

    const admission::RateLimitSettings& settings() const { return settings_; }

private:
    admission::RateLimitSettings settings_;
    admission::RateLimiter& limiter_;
    const admission::ShowRateLimitCache* overrides_;
    const metrics::RateLimitMetrics* metrics_;
    Now now_;
    mutable admission::DenialCache denials_;
};

}  // namespace boxoffice::http
