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

private:
    Database& db_;
};

}  // namespace boxoffice::sql
