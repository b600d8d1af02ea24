#pragma once
// The in-process rate limiter: TATs in a sharded map, each shard behind its own mutex. Memory is
// bounded: a shard holds at most `maxKeys / shards` keys; when it is full, keys whose TAT has passed
// (their state is the same as no state) are dropped first, then the key closest to a full burst.
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "admission/rate_limiter.hpp"

namespace boxoffice::admission {

class MemoryRateLimiter final : public RateLimiter {
public:
    explicit MemoryRateLimiter(std::size_t maxKeys = 1'000'000, std::size_t shards = 64);

    /// Answers before returning.
    void checkAll(std::vector<LimitCheck> checks, Micros now, Decided done) override;
    /// One key, at once.
    Decision check(const std::string& key, const Policy& policy, Micros now);

    /// Keys held now, over all shards (tests, metrics).
    std::size_t size() const;

private:
    struct Shard {
        mutable std::mutex mu;
        std::unordered_map<std::string, Micros> tats;
        Micros lastSweep = 0;
    };
    Shard& shardOf(const std::string& key);
    void makeRoom(Shard& shard, Micros now) const;
    static void dropExpired(Shard& shard, Micros now);

    std::size_t perShard_;
    std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace boxoffice::admission
