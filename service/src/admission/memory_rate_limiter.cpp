#include "admission/memory_rate_limiter.hpp"

#include <algorithm>
#include <functional>

namespace boxoffice::admission {

namespace {
// How often a shard drops expired keys on its own, besides when it is full.
constexpr Micros kSweepEvery = 10'000'000;
}  // namespace

MemoryRateLimiter::MemoryRateLimiter(std::size_t maxKeys, std::size_t shards)
    : perShard_(std::max<std::size_t>(1, maxKeys / std::max<std::size_t>(1, shards))) {
    shards_.reserve(std::max<std::size_t>(1, shards));
    for (std::size_t i = 0; i < std::max<std::size_t>(1, shards); ++i) shards_.push_back(std::make_unique<Shard>());
}

void MemoryRateLimiter::checkAll(std::vector<LimitCheck> checks, Micros now, Decided done) {
    std::vector<Result<Decision>> out;
    out.reserve(checks.size());
    for (const auto& c : checks) out.emplace_back(check(c.key, c.policy, now));
    done(std::move(out));
}

MemoryRateLimiter::Shard& MemoryRateLimiter::shardOf(const std::string& key) {
    return *shards_[std::hash<std::string>{}(key) % shards_.size()];
}

void MemoryRateLimiter::dropExpired(Shard& shard, Micros now) {
    for (auto it = shard.tats.begin(); it != shard.tats.end();) {
        if (it->second <= now)
            it = shard.tats.erase(it);
        else
            ++it;
    }
    shard.lastSweep = now;
}

void MemoryRateLimiter::makeRoom(Shard& shard, Micros now) const {
    dropExpired(shard, now);
    if (shard.tats.size() < perShard_) return;
    // Every key is active: forget the one nearest to a full burst (it loses the least).
    auto oldest = std::min_element(shard.tats.begin(), shard.tats.end(),
                                   [](const auto& a, const auto& b) { return a.second < b.second; });
    shard.tats.erase(oldest);
}

Decision MemoryRateLimiter::check(const std::string& key, const Policy& policy, Micros now) {
    Shard& shard = shardOf(key);
    std::lock_guard lock(shard.mu);
    if (now - shard.lastSweep > kSweepEvery) dropExpired(shard, now);
    auto it = shard.tats.find(key);
    const GcraStep step = gcra(it == shard.tats.end() ? 0 : it->second, now, policy);
    if (step.decision.allowed) {
        if (it != shard.tats.end()) {
            it->second = step.newTat;
        } else {
            if (shard.tats.size() >= perShard_) makeRoom(shard, now);
            shard.tats.emplace(key, step.newTat);
        }
    }
    return step.decision;
}

std::size_t MemoryRateLimiter::size() const {
    std::size_t n = 0;
    for (const auto& s : shards_) {
        std::lock_guard lock(s->mu);
        n += s->tats.size();
    }
    return n;
}

}  // namespace boxoffice::admission
