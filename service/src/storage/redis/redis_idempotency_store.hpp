#pragma once
// Idempotency-Keys of holds, kept in Redis beside the holds (scripts/idempotency.lua), so a hold
// with a key never waits on SQL: a stalled database cannot slow the hottest route of a sale.
#include "domain/booking_ports.hpp"
#include "storage/redis/redis_pool.hpp"

namespace boxoffice::redis {

/// Keys "bx:idem:<len(user)>:<user>:<key>", a HASH each, gone at the key's retention.
class RedisIdempotencyStore final : public IdempotencyStore {
public:
    explicit RedisIdempotencyStore(RedisPool& pool);

    Result<IdempotencyClaim> claim(const UserId& user, const std::string& key, const std::string& requestHash,
                                   EpochMs now, EpochMs expiresAt, const IdempotencyLease& lease) override;
    Result<void> complete(const UserId& user, const std::string& key, const std::string& owner, int status,
                          const std::string& body) override;
    Result<void> abandon(const UserId& user, const std::string& key, const std::string& owner) override;

    static std::string recordKey(const UserId& user, const std::string& key);

private:
    Result<Reply> run(const UserId& user, const std::string& key, std::vector<std::string> args);

    RedisPool& pool_;
    LuaScript script_;
};

}  // namespace boxoffice::redis
