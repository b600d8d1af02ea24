#pragma once
// The read-only SQL behind sampled metrics (shows on sale, outbox backlog, sweeper lag). Cheap by
// construction: each query is served by an index (shows are few; the outbox and orders queries use
// outbox_unpublished and orders_status_expires_at).
#include <optional>
#include <string>
#include <vector>

#include "domain/clock.hpp"
#include "domain/result.hpp"
#include "storage/sql/database.hpp"

namespace boxoffice::sql {

struct OutboxBacklog {
    long long depth = 0;
    EpochMs oldestCreatedAt = 0;  // meaningful when depth > 0
    long long parked = 0;         // parked by the relay after repeated failures (not in depth)
};

class SqlMetricsQueries {
public:
    explicit SqlMetricsQueries(Database& db) : db_(db) {}

    /// Ids of shows whose sale window contains `now`, soonest closing first, at most `limit`.
    Result<std::vector<std::string>> showsOnSale(EpochMs now, int limit);
    Result<OutboxBacklog> outboxBacklog();
    /// expires_at of the oldest pending order whose window closed before `now`; nullopt when none.
    Result<std::optional<EpochMs>> oldestOverduePendingOrder(EpochMs now);

private:
    Database& db_;
};

}  // namespace boxoffice::sql
