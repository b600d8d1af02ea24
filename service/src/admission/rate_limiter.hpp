#pragma once
// The rate limiter port: one GCRA decision per key. Adapters: in process (memory_rate_limiter.hpp,
// the embedded default) and Redis (storage/redis/redis_rate_limiter.hpp, shared by every replica).
#include <functional>
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
    /// One answer per check, in order. A failed Result means no decision is known (the
    /// dependency is down): the caller decides what that means (it fails open).
    using Decided = std::function<void(std::vector<Result<Decision>>)>;

    virtual ~RateLimiter() = default;
    /// Counts one request against the key of each check (a request is checked per user and per
    /// client IP). `now` is the caller's time in microseconds since the Unix epoch; an adapter that
    /// shares state between processes may use a clock of its own instead (Redis uses its TIME),
    /// but then for every key. Never waits on I/O: an adapter that asks another process answers
    /// `done` later on a thread of its own; the in-process one answers before returning.
    virtual void checkAll(std::vector<LimitCheck> checks, Micros now, Decided done) = 0;
};

}  // namespace boxoffice::admission
