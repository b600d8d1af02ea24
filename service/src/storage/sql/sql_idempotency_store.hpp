#pragma once
#include "domain/booking_ports.hpp"
#include "storage/sql/database.hpp"

namespace boxoffice::sql {

/// IdempotencyStore over the idempotency_keys table (PostgreSQL or SQLite).
class SqlIdempotencyStore final : public IdempotencyStore {
public:
    explicit SqlIdempotencyStore(Database& db) : db_(db) {}

    Result<IdempotencyClaim> claim(const UserId& user, const std::string& key, const std::string& requestHash,
                                   EpochMs now, EpochMs expiresAt, const IdempotencyLease& lease) override;
    Result<void> complete(const UserId& user, const std::string& key, const std::string& owner, int status,
                          const std::string& body) override;
    Result<void> abandon(const UserId& user, const std::string& key, const std::string& owner) override;

    /// Forgets every claim whose lease passed before `now` without an answer: its request died, or
    /// answered while the database was away and could neither store the answer nor abandon the
    /// claim. Such a claim blocks nothing (a retry takes it over and runs again, which the
    /// operations make safe), but it must not read "in progress" until the key expires. Its
    /// owner, if only slow, completes nothing afterwards, exactly as after a takeover. Returns how
    /// many claims were forgotten.
    Result<long long> purgeDeadClaims(EpochMs now);

private:
    Database& db_;
};

}  // namespace boxoffice::sql
