#pragma once
// The HoldStore on Redis: one Lua script per operation (scripts/*.lua, embedded at build time),
// every key of a show under the hash tag {showId} so the scripts run unchanged on a clustered
// Redis. A hold is one round trip; a seat map is one round trip whatever the venue's size.
#include <atomic>
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
///   bx:{S}:ba:layout     HASH the seating for best-available holds (scripts/best_available_layout.lua),
///   bx:{S}:ba:bound      ZSET / bx:{S}:ba:run ZSET: each row's last scan (best_available.lua),
///   bx:{S}:ba:dirty      SET rows where a seat was freed sooner than their scan allowed for.
///                        A best-available hold that finds no seating or another one answers
///                        NOLAYOUT; the store then sends the seating once and the hold again.
///
/// Holds after a restart. A Redis that restarts from a snapshot comes back with its shows marked
/// ready and its seats as they were when the snapshot was taken: a seat sold since looks held or
/// free, and a hold on it would be granted until the reconciler notices the new run_id. So the
/// hold script is fenced (script_runner.hpp): each store loads a copy of its own (a different
/// SHA-1 per process) only in openHolds(), after the reconciler restored every show this process
/// uses, and only if the server is still the one whose run_id the reconciler saw. A restarted
/// server has an empty script cache: every hold it is sent answers NOSCRIPT, which refuses the
/// hold (503, retry) and asks for the repair, until the repair opens the holds on it again. The
/// server, not a flag of ours, is the fence, so no hold can slip in between the restart and our
/// noticing it. Holds are refused from construction until the first openHolds().
/// Thread-safe: it keeps no state of its own beyond the pool and whether holds wait for a repair.
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
    Result<void> sell(const ShowId& show, const OrderId& order, const UserId& user, const std::vector<SeatId>& seatIds,
                      EpochMs now) override;
    Result<void> releaseOrder(const ShowId& show, const OrderId& order, const UserId& user,
                              const std::vector<SeatId>& seatIds, EpochMs now) override;
    Result<HoldChange> detachFromOrder(const HoldId& id, const UserId& user, const OrderId& order,
                                       EpochMs keepUntil) override;
    Result<void> restore(const ShowId& show, const std::vector<SeatClaim>& claims, EpochMs now) override;
    Result<AvailabilitySnapshot> snapshot(const ShowId& show, const SeatIndex& seats, EpochMs now) override;
    Result<StoreShowState> showState(const ShowId& show) override;
    /// The server's run_id (INFO server): new after every restart, whatever data it came back
    /// with, and different on the replica a failover promoted.
    Result<std::string> generation() override;
    /// Since construction, or since a hold met a server without this store's hold script.
    bool awaitsRepair() override;
    /// Loads this store's hold script, in one round trip with INFO so the run_id is the one of the
    /// server that took it; a different one means the server restarted again during the repair:
    /// its script cache is flushed (the script must not stay on a server nobody checked) and the
    /// call fails.
    Result<void> openHolds(const std::string& generation) override;

    static std::string seatsKey(const ShowId& show);
    static std::string holdKey(const ShowId& show, const HoldId& id);
    static std::string userKey(const ShowId& show, const UserId& user);
    static std::string versionKey(const ShowId& show);
    static std::string dirtyRowsKey(const ShowId& show);

private:
    /// EVALSHA through the script runner (script_runner.hpp) on a pooled connection. Error
    /// replies are translated here.
    Result<Reply> eval(const LuaScript& script, const std::vector<std::string>& keys,
                       const std::vector<std::string>& args);

    Result<std::vector<std::string>> holdCommand(const HoldRequest& request) const;
    /// The best-available index of the show loaded from `seating` (best_available_layout.lua).
    std::vector<std::string> layoutCommand(const ShowId& show, const SeatIndex& seating) const;
    Result<HoldResult> holdOutcome(const HoldRequest& request, const Reply& reply);

    RedisPool& pool_;
    RedisBatcher* batcher_ = nullptr;
    // Only schedules the repair (and answers awaitsRepair): the fence itself is the server's
    // script cache, so a race between a NOSCRIPT and an openHolds() costs a pass, never a seat.
    std::atomic<bool> holdsOpen_{false};
    std::string fenceOwner_;  // names this store's own copies of the fenced scripts
    LuaScript hold_;
    LuaScript bestAvailable_;  // fenced like hold_: it grants holds
    LuaScript layout_;
    LuaScript release_;
    LuaScript attach_;
    LuaScript sell_;
    LuaScript releaseOrder_;
    LuaScript restore_;
    LuaScript detach_;
};

}  // namespace boxoffice::redis
