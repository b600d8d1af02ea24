#include "storage/redis/redis_health.hpp"

namespace boxoffice::redis {

bool RedisHealth::admit() {
    if (!frozen_.load(std::memory_order_acquire)) return true;
    // One probe per interval: whoever moves nextProbe_ forward sends it.
    const auto now = Clock::now().time_since_epoch().count();
    auto due = nextProbe_.load(std::memory_order_acquire);
    const auto step = std::chrono::duration_cast<Clock::duration>(probeEvery_).count();
    if (now >= due && nextProbe_.compare_exchange_strong(due, now + step, std::memory_order_acq_rel)) return true;
    refused_.fetch_add(1, std::memory_order_relaxed);
    return false;
}

void RedisHealth::succeeded() {
    if (frozen_.load(std::memory_order_relaxed)) frozen_.store(false, std::memory_order_release);
}

void RedisHealth::timedOut() {
    const auto step = std::chrono::duration_cast<Clock::duration>(probeEvery_).count();
    nextProbe_.store(Clock::now().time_since_epoch().count() + step, std::memory_order_release);
    frozen_.store(true, std::memory_order_release);
}

}  // namespace boxoffice::redis
