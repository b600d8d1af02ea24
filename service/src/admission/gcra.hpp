#pragma once
// The generic cell rate algorithm: a policy of `limit` requests per `window` becomes an emission
// interval T = window / limit and a burst tolerance of `burst` cells; the only state per key is its
// theoretical arrival time (TAT). A request at `now` is allowed when TAT - now <= (burst - 1) x T,
// and moves TAT to max(TAT, now) + T. One step is pure arithmetic on integers (microseconds), so
// the in-process limiter and the Redis script (rate_limit.lua) compute the same answers.
#include <chrono>
#include <cstdint>
#include <string>

namespace boxoffice::admission {

using Micros = std::int64_t;  // microseconds; absolute times are since an epoch of the caller's choice

/// `limit` requests per `window`, `burst` of them at once (burst == limit: the whole window's
/// allowance may be spent in one go, then one request per emission interval).
struct Policy {
    std::string name;  // the budget ("holds"), also the RateLimit-Policy item
    std::int64_t limit = 1;
    std::chrono::milliseconds window{1'000};
    std::int64_t burst = 1;

    Micros emissionInterval() const;
    /// How far TAT may run ahead of now: burst x T.
    Micros tolerance() const;
    bool operator==(const Policy& o) const {
        return name == o.name && limit == o.limit && window == o.window && burst == o.burst;
    }
};

/// A limiter's answer for one key.
struct Decision {
    bool allowed = true;
    std::int64_t remaining = 0;  // requests that would still be allowed at once, after this one
    Micros retryAfter = 0;       // denied: when the same request would be allowed; allowed: 0
    Micros resetAfter = 0;       // when the key is back to a full burst (its state can be forgotten)
    std::int64_t limit = 0;      // the policy's limit, for the headers
};

struct GcraStep {
    Decision decision;
    Micros newTat = 0;  // unchanged when denied
};

/// One GCRA step for a key whose stored TAT is `tat` (0 or anything <= now: no state).
GcraStep gcra(Micros tat, Micros now, const Policy& policy);

}  // namespace boxoffice::admission
