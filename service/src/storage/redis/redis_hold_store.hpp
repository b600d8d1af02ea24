#pragma once
// The HoldStore on Redis: one Lua script per operation (scripts/*.lua, embedded at build time),
// every key of a show under the hash tag {showId} so the scripts run unchanged on a clustered
// Redis. A hold is one round trip; a seat map is one round trip whatever the venue's size.
#include <string>
#include <vector>

#include "domain/booking_ports.hpp"
#include "storage/redis/redis_batcher.hpp"
#include "storage/redis/redis_pool.hpp"

namespace boxoffice::redis {

/// Keys of show S (all tagged {S}):
///   bx:{S}:seats         HASH seatId -> "KIND|expiresAt|ownerId|userId"; KIND H (hold), O (pending
///                        order), S (sold, expiresAt 0). An H/O owner past expiresAt is free.
///                        Also field "#ready" = "1" once the show's truth is loaded (a seat id
///                        always has a '-'); gone with the hash after a flush -> NotReady. One
///                        HMGET in hold.lua reads it with the seats. Field "#sold" counts the
///                        seats marked S (compared with SQL by the reconciler).
///   bx:{S}:hold:<holdId> HASH user, seats, status (HELD|RELEASED|ORDERED), expiresAt, createdAt, orderId;
///                        kept a day past the hold's (or order's) end so a client learns it EXPIRED.
///   bx:{S}:user:<userId> SET of seats the user may own; checked against `seats` when counted.
///   bx:{S}:ver           counter bumped by every change (for debugging).
/// Thread-safe: it keeps no state of its own beyond the pool.
class RedisHoldStore final : public HoldStore {
public:
    /// Throws std::logic_error if a script is missing from the build (a start-up failure).
    explicit RedisHoldStore(RedisPool& pool);
    RedisHoldStore(const RedisHoldStore&) = delete;
    RedisHoldStore& operator=(const RedisHoldStore&) = delete;

    /// Waits for holdAsync() when a batcher is set: every hold goes through the pipelines.
    Result<HoldResult> hold(const HoldRequest& request) override;
    /// Pipelined through the batcher when one is set (useBatcher), else hold() inline.
    void holdAsync(const HoldRequest& request, std::function<void(Result<HoldResult>)> done) override;
    /// Concurrent holds then share pipelines on the batcher's connections. Not owned.
    void useBatcher(RedisBatcher* batcher) { batcher_ = batcher; }
    Result<std::optional<Hold>> findHold(const HoldId& id, EpochMs now) override;
    Result<HoldChange> release(const HoldId& id, const UserId& user, EpochMs now) override;
    Result<HoldChange> attachToOrder(const HoldId& id, const UserId& user, const OrderId& order, EpochMs orderExpiresAt,
                                     EpochMs now) override;
    Result<void> sell(const ShowId& show, const OrderId& order, const UserId& user,
                      const std::vector<std::string>& seatIds, EpochMs now) override;
    Result<void> releaseOrder(const ShowId& show, const OrderId& order, const UserId& user,
                              const std::vector<std::string>& seatIds, EpochMs now) override;
    Result<HoldChange> detachFromOrder(const HoldId& id, const UserId& user, const OrderId& order,
                                       EpochMs keepUntil) override;
    Result<void> restore(const ShowId& show, const std::vector<SeatClaim>& claims, EpochMs now) override;
    Result<AvailabilitySnapshot> snapshot(const ShowId& show, const SeatIndex& seats, EpochMs now) override;
    Result<StoreShowState> showState(const ShowId& show) override;
    /// The server's run_id (INFO server): new after every restart, whatever data it came back
    /// with, and different on the replica a failover promoted.
    Result<std::string> generation() override;

    static std::string seatsKey(const ShowId& show);
    static std::string holdKey(const ShowId& show, const HoldId& id);
    static std::string userKey(const ShowId& show, const UserId& user);
    static std::string versionKey(const ShowId& show);

private:
    /// EVALSHA through the script runner (script_runner.hpp) on a pooled connection. Error
    /// replies are translated here.
    Result<Reply> eval(const LuaScript& script, const std::vector<std::string>& keys,
                       const std::vector<std::string>& args);

    Result<std::vector<std::string>> holdCommand(const HoldRequest& request) const;
    Result<HoldResult> holdOutcome(const HoldRequest& request, const Reply& reply);

    RedisPool& pool_;
    RedisBatcher* batcher_ = nullptr;
    LuaScript hold_;
    LuaScript release_;
    LuaScript attach_;
    LuaScript sell_;
    LuaScript releaseOrder_;
    LuaScript restore_;
    LuaScript detach_;
};

}  // namespace boxoffice::redis
