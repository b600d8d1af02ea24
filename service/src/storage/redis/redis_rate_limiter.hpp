#pragma once
// The rate limiter on Redis (scripts/rate_limit.lua): one EVALSHA per key, queued on a batcher of
// its own, so the checks of many concurrent requests share pipelines and no thread waits for a
// reply. The keys of one request go in together (one round trip when a connection is free). Redis
// keeps the TATs with a TTL, so an idle key vanishes by itself. Errors come back as failed Results
// (the caller fails open); nothing here throws on the request path.
#include <string>
#include <vector>

#include "admission/rate_limiter.hpp"
#include "storage/redis/redis_batcher.hpp"
#include "storage/redis/redis_pool.hpp"
#include "storage/redis/script_runner.hpp"

namespace boxoffice::redis {

class RedisRateLimiter final : public admission::RateLimiter {
public:
    /// `batcher` is not owned; its command timeout is the deadline of a check.
    explicit RedisRateLimiter(RedisBatcher& batcher);

    /// `now` is not used: the script reads Redis TIME, for every key alike. `done` runs on a
    /// batcher thread (or here, when the batcher's queue is full).
    void checkAll(std::vector<admission::LimitCheck> checks, admission::Micros now, Decided done) override;

    /// The Redis key of a limiter key: "bx:rl:{<key>}" (the whole key is its hash tag).
    static std::string redisKey(const std::string& key);

private:
    RedisBatcher& batcher_;
    LuaScript script_;
};

}  // namespace boxoffice::redis
