#pragma once
// A bounded pool of RedisConnection with a deadline on waiting for a free one.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.hpp"
#include "storage/redis/redis_connection.hpp"
#include "storage/redis/script_runner.hpp"

namespace boxoffice::redis {

class RedisPool;

/// One connection borrowed from a pool; given back when destroyed. Every exchange with Redis
/// goes through here, so the pool can count round trips.
class RedisLease {
public:
    RedisLease(RedisLease&& other) noexcept;
    RedisLease& operator=(RedisLease&&) = delete;
    RedisLease(const RedisLease&) = delete;
    RedisLease& operator=(const RedisLease&) = delete;
    ~RedisLease();

    /// One command, one round trip (more only for the script runner's repairs). A Redis error
    /// reply is a Reply of Type::Error.
    Result<Reply> command(const std::vector<std::string>& argv, const LuaScript* script = nullptr);
    /// Several commands written at once, one round trip, through the one script runner.
    Result<std::vector<Reply>> run(const std::vector<ScriptCommand>& batch);
    /// Closes the connection so the next user reconnects (e.g. after READONLY: a failover moved the primary).
    void discard();

private:
    friend class RedisPool;
    RedisLease(RedisPool* pool, std::size_t slot, std::chrono::steady_clock::time_point deadline)
        : pool_(pool), slot_(slot), deadline_(deadline) {}

    RedisPool* pool_;
    std::size_t slot_;
    // The caller's answer is due one command timeout after it asked for a connection: waiting for
    // the lease, connecting and the exchange all come out of that one budget.
    std::chrono::steady_clock::time_point deadline_;
};

/// `size` connections, created lazily: nothing connects until first used, so a service starts
/// while Redis is down and recovers by itself once it is back. A failed connection closes itself
/// (RedisConnection's contract) and reconnects on its next use, within connectTimeout.
/// Thread-safe. Must outlive every lease it handed out.
class RedisPool {
public:
    /// `wait` bounds how long lease() waits for a free connection; must be > 0. `health` (not
    /// owned, may be shared with the pipelines) fails commands fast while Redis is frozen.
    RedisPool(RedisOptions options, int size, std::chrono::milliseconds wait, RedisHealth* health = nullptr);
    ~RedisPool();
    RedisPool(const RedisPool&) = delete;
    RedisPool& operator=(const RedisPool&) = delete;

    /// A free connection, or Error{DependencyUnavailable, "redis pool exhausted"} after `wait`.
    Result<RedisLease> lease();
    /// lease() + command(): a single round trip on any free connection.
    Result<Reply> call(const std::vector<std::string>& argv);

    int size() const { return static_cast<int>(connections_.size()); }
    /// Exchanges with Redis so far (a pipeline counts once): lets tests check round trips honestly.
    std::uint64_t roundTrips() const { return roundTrips_.load(std::memory_order_relaxed); }

    /// Counters since start, for metrics (same meaning as sql::Database::PoolStats).
    struct PoolStats {
        std::uint64_t acquired = 0;
        std::uint64_t exhausted = 0;
        double waitSeconds = 0;
        std::uint64_t reconnects = 0;
        int inUse = 0;
    };
    PoolStats poolStats();

private:
    friend class RedisLease;
    void giveBack(std::size_t slot);

    std::chrono::milliseconds wait_;
    std::chrono::milliseconds commandTimeout_;
    RedisHealth* health_;
    std::vector<std::unique_ptr<RedisConnection>> connections_;
    std::mutex mu_;
    std::condition_variable freed_;
    std::vector<std::size_t> free_;  // a stack: the most recently used connection is the warmest
    std::atomic<std::uint64_t> roundTrips_{0};
    std::atomic<std::uint64_t> acquired_{0};
    std::atomic<std::uint64_t> exhausted_{0};
    std::atomic<std::uint64_t> waitNanos_{0};
};

/// The one translation of a Redis error reply: transient server states (loading after a restart,
/// a failover in progress, a busy script) are DependencyUnavailable; anything else is a bug or a
/// misconfiguration and becomes Internal. `what` names the operation for the log.
Error errorFromReply(const Reply& reply, std::string_view what);
/// A reply of a shape the caller did not expect (a bug or a script of another version): Internal,
/// with the shape it had ("array of 3", "integer 7") for the log.
Error unexpectedReply(std::string_view what, const Reply& reply);
/// True for replies that mean this connection talks to the wrong node now (READONLY after failover).
bool replyNeedsReconnect(const Reply& reply);

}  // namespace boxoffice::redis
