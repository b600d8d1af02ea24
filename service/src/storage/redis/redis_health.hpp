#pragma once
// Fail fast while Redis is frozen: a server that stopped answering (SIGSTOP, a stalled host, a
// network partition that drops packets) makes every command wait its whole deadline, and those
// waits pile up on the threads everything else needs. After a command times out, the server is
// taken for frozen: commands fail at once, except one probe at a time, until one succeeds again.
// Only timeouts count: a refused or reset connection already fails fast by itself.
#include <atomic>
#include <chrono>

namespace boxoffice::redis {

class RedisHealth {
public:
    /// `probeEvery`: how often a probe is let through while the server is taken for frozen (so
    /// recovery is seen within about that long after the server answers again).
    explicit RedisHealth(std::chrono::milliseconds probeEvery = std::chrono::milliseconds(100))
        : probeEvery_(probeEvery) {}
    RedisHealth(const RedisHealth&) = delete;
    RedisHealth& operator=(const RedisHealth&) = delete;

    /// Whether a command may be sent now (false: fail it at once with DependencyUnavailable).
    bool admit();
    void succeeded();
    void timedOut();
    /// Commands refused since start, for metrics and tests.
    std::uint64_t refused() const { return refused_.load(std::memory_order_relaxed); }

private:
    using Clock = std::chrono::steady_clock;
    std::chrono::milliseconds probeEvery_;
    std::atomic<bool> frozen_{false};
    std::atomic<Clock::rep> nextProbe_{0};  // steady-clock ticks
    std::atomic<std::uint64_t> refused_{0};
};

}  // namespace boxoffice::redis
