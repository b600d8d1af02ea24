#pragma once
// The rate limiter port: one GCRA decision per key. Adapters: in process (memory_rate_limiter.hpp,
// the embedded default) and Redis (storage/redis/redis_rate_limiter.hpp, shared by every replica).
#include <string>
#include <vector>

#include "admission/gcra.hpp"
#include "domain/result.hpp"

namespace boxoffice::admission {

/// One key to check against one policy.
struct LimitCheck {
    std::string key;
    Policy policy;
};

class RateLimiter {
public:
    virtual ~RateLimiter() = default;
    /// Counts one request against `key`. `now` is the caller's time in microseconds since the Unix
    /// epoch; an adapter that shares state between processes may use a clock of its own instead
    /// (Redis uses its TIME), but then for every key. A failed Result means no decision is known
    /// (the dependency is down): the caller decides what that means (it fails open).
    virtual Result<Decision> check(const std::string& key, const Policy& policy, Micros now) = 0;
    /// Several keys at once (a request is checked per user and per client IP); one answer per
    /// check, in order. The default runs check() for each.
    virtual std::vector<Result<Decision>> checkAll(const std::vector<LimitCheck>& checks, Micros now);
};

}  // namespace boxoffice::admission
