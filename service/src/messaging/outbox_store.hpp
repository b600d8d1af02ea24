#pragma once
// The relay's port to the outbox table (SQL: storage/sql/sql_outbox_store.*).
#include <optional>
#include <string>
#include <vector>

#include "domain/clock.hpp"
#include "domain/result.hpp"

namespace boxoffice::messaging {

struct OutboxRow {
    std::string id;
    std::string aggregateType;
    std::string aggregateId;
    std::string eventType;
    std::string payload;  // JSON written with the change
    std::string headers;  // JSON object (traceparent)
    EpochMs createdAt = 0;
    int attempts = 0;
    // The order's customer as it is now (for the confirmation mail), when the aggregate is an order.
    std::optional<std::string> customerName, customerEmail, customerPhone;
};

class OutboxStore {
public:
    virtual ~OutboxStore() = default;
    /// Claims up to `limit` unsent, unparked rows that are due (available_at <= now) and not under
    /// another live claim, writing `token` and the lease deadline `leaseUntil` on them; rows of
    /// one aggregate are claimed only once every older row of it is sent or parked, so a FIFO
    /// queue receives an order's events in order. Safe with any number of concurrent claimers.
    /// Returns the claimed rows oldest first.
    virtual Result<std::vector<OutboxRow>> claim(const std::string& token, int limit, EpochMs now,
                                                 EpochMs leaseUntil) = 0;
    /// The queue acknowledged these rows.
    virtual Result<void> markSent(const std::vector<std::string>& ids, EpochMs now) = 0;
    /// One more failed attempt of a row still claimed by `token`: retried at `retryAt`, or parked
    /// (never tried again) when `park`.
    virtual Result<void> markFailed(const std::string& token, const std::string& id, const std::string& error,
                                    EpochMs retryAt, bool park, EpochMs now) = 0;
    /// Gives rows back without counting an attempt (the queue was unreachable): due at `retryAt`.
    virtual Result<void> release(const std::string& token, const std::vector<std::string>& ids, EpochMs retryAt,
                                 const std::string& error) = 0;
    /// Deletes at most `limit` rows sent before `publishedBefore`; returns how many.
    virtual Result<long long> prune(EpochMs publishedBefore, int limit) = 0;
};

}  // namespace boxoffice::messaging
