#include "admission/denial_cache.hpp"

#include <algorithm>
#include <functional>

namespace boxoffice::admission {

DenialCache::DenialCache(std::size_t maxKeys, std::size_t shards) {
    shards = std::max<std::size_t>(1, shards);
    perShard_ = std::max<std::size_t>(1, maxKeys / shards);
    for (std::size_t i = 0; i < shards; ++i) shards_.push_back(std::make_unique<Shard>());
}

DenialCache::Shard& DenialCache::shardOf(const std::string& key) {
    return *shards_[std::hash<std::string>{}(key) % shards_.size()];
}

void DenialCache::remember(const std::string& key, const Policy& policy, const Decision& decision, Micros now) {
    if (decision.allowed || decision.retryAfter <= 0) return;
    Shard& shard = shardOf(key);
    std::lock_guard lock(shard.mu);
    if (shard.entries.size() >= perShard_ && !shard.entries.count(key)) {
        std::erase_if(shard.entries, [now](const auto& e) { return e.second.until <= now; });
        if (shard.entries.size() >= perShard_) return;  // every one still counts: ask the limiter
    }
    shard.entries[key] = Entry{now + decision.retryAfter, now + decision.resetAfter, policy.limit,
                               policy.emissionInterval(), policy.tolerance()};
}

std::optional<Decision> DenialCache::refused(const std::string& key, const Policy& policy, Micros now) {
    Shard& shard = shardOf(key);
    std::lock_guard lock(shard.mu);
    auto it = shard.entries.find(key);
    if (it == shard.entries.end()) return std::nullopt;
    const Entry& e = it->second;
    if (e.until <= now) {
        shard.entries.erase(it);
        return std::nullopt;
    }
    if (e.limit != policy.limit || e.interval != policy.emissionInterval() || e.tolerance != policy.tolerance())
        return std::nullopt;
    Decision d;
    d.allowed = false;
    d.remaining = 0;
    d.retryAfter = e.until - now;
    d.resetAfter = std::max<Micros>(0, e.resetAt - now);
    d.limit = e.limit;
    return d;
}

std::size_t DenialCache::size() const {
    std::size_t n = 0;
    for (const auto& s : shards_) {
        std::lock_guard lock(s->mu);
        n += s->entries.size();
    }
    return n;
}

}  // namespace boxoffice::admission
