#pragma once
// The outbox relay's SQL: lease-based claims that are safe with many relays on one database
// (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite serialises writers, so one UPDATE is atomic).
#include "messaging/outbox_store.hpp"
#include "storage/sql/database.hpp"

namespace boxoffice::sql {

class SqlOutboxStore final : public messaging::OutboxStore {
public:
    explicit SqlOutboxStore(Database& db) : db_(db) {}
    Result<std::vector<messaging::OutboxRow>> claim(const std::string& token, int limit, EpochMs now,
                                                    EpochMs leaseUntil) override;
    Result<void> markSent(const std::vector<std::string>& ids, EpochMs now) override;
    Result<void> markFailed(const std::string& token, const std::string& id, const std::string& error, EpochMs retryAt,
                            bool park, EpochMs now) override;
    Result<void> release(const std::string& token, const std::vector<std::string>& ids, EpochMs retryAt,
                         const std::string& error) override;
    Result<long long> prune(EpochMs publishedBefore, int limit) override;

private:
    Database& db_;
};

}  // namespace boxoffice::sql
