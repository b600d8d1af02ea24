#pragma once
// The waiting room on Redis (scripts/queue.lua): per show one sorted set of places, a state hash,
// a hash of admission times and a sorted set of active shoppers, all under the show's hash tag
// ("bx:{<show>}:wr:..."), so every replica sees one queue and the script is valid on a clustered
// Redis. No SCAN, no KEYS: each call is one EVALSHA on the show's four keys. The keys have no TTL:
// a room lives as long as its show. A Redis restart without persistence loses the state; the
// script then answers "not armed" and the room fails closed (admission/waiting_room.hpp).
#include <string>

#include "admission/waiting_room.hpp"
#include "storage/redis/redis_pool.hpp"
#include "storage/redis/script_runner.hpp"

namespace boxoffice::redis {

class RedisQueueStore final : public admission::QueueStore {
public:
    /// `pool` is not owned; its command timeout is each call's deadline.
    explicit RedisQueueStore(RedisPool& pool);

    Result<void> arm(const admission::WaitingRoomSettings& room, EpochMs now) override;
    Result<admission::Place> join(const admission::WaitingRoomSettings& room, const UserId& user,
                                  std::int64_t preQueueScore, EpochMs now) override;
    Result<admission::Place> place(const admission::WaitingRoomSettings& room, const UserId& user,
                                   EpochMs now) override;
    Result<admission::QueueState> state(const admission::WaitingRoomSettings& room, EpochMs now) override;
    Result<admission::QueueState> setPaused(const admission::WaitingRoomSettings& room, bool paused,
                                            EpochMs now) override;
    Result<admission::QueueState> held(const admission::WaitingRoomSettings& room, const UserId& user,
                                       EpochMs now) override;

    /// The prefix of a show's waiting-room keys: "bx:{<show>}:wr:".
    static std::string keyPrefix(const ShowId& show);

private:
    Result<admission::Place> run(const char* op, const admission::WaitingRoomSettings& room, const std::string& user,
                                 std::int64_t preQueueScore, EpochMs now);

    RedisPool& pool_;
    LuaScript script_;
};

}  // namespace boxoffice::redis
