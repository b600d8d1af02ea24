#pragma once
// The rate limiter on Redis (scripts/rate_limit.lua): one EVALSHA per key, every key of a request
// pipelined in one round trip on a pooled connection, within the pool's deadline. Redis keeps the
// TATs with a TTL, so an idle key vanishes by itself. Errors come back as failed Results (the
// caller fails open); nothing here throws on the request path.
#include <string>
#include <vector>

#include "admission/rate_limiter.hpp"
#include "storage/redis/redis_pool.hpp"
#include "storage/redis/script_runner.hpp"

namespace boxoffice::redis {

class RedisRateLimiter final : public admission::RateLimiter {
public:
    explicit RedisRateLimiter(RedisPool& pool);

    /// `now` is not used: the script reads Redis TIME, for every key alike.
    Result<admission::Decision> check(const std::string& key, const admission::Policy& policy,
                                      admission::Micros now) override;
    std::vector<Result<admission::Decision>> checkAll(const std::vector<admission::LimitCheck>& checks,
                                                      admission::Micros now) override;

    /// The Redis key of a limiter key: "bx:rl:{<key>}" (the whole key is its hash tag).
    static std::string redisKey(const std::string& key);

private:
    RedisPool& pool_;
    LuaScript script_;
};

}  // namespace boxoffice::redis
