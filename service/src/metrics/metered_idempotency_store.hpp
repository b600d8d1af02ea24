#pragma once
// IdempotencyStore decorator: database latency and errors per operation, and replays.
#include "domain/booking_ports.hpp"
#include "metrics/metrics.hpp"

namespace boxoffice::metrics {

class MeteredIdempotencyStore final : public IdempotencyStore {
public:
    MeteredIdempotencyStore(IdempotencyStore& inner, Metrics& metrics, const std::string& dependency);

    Result<IdempotencyClaim> claim(const UserId& user, const std::string& key, const std::string& requestHash,
                                   EpochMs now, EpochMs expiresAt, const IdempotencyLease& lease) override;
    Result<void> complete(const UserId& user, const std::string& key, const std::string& owner, int status,
                          const std::string& body) override;
    Result<void> abandon(const UserId& user, const std::string& key, const std::string& owner) override;

private:
    IdempotencyStore& inner_;
    const BookingMetrics& booking_;
    const DependencyOp &claim_, &complete_, &abandon_;
};

}  // namespace boxoffice::metrics
