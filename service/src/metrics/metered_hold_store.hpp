#pragma once
// HoldStore decorator: Redis latency and errors per operation (an async hold is timed from
// submission to its reply, queueing in the batcher included: what the request waited), and holds
// found expired.
#include "domain/booking_ports.hpp"
#include "metrics/metrics.hpp"

namespace boxoffice::metrics {

class MeteredHoldStore final : public HoldStore {
public:
    MeteredHoldStore(HoldStore& inner, Metrics& metrics, const std::string& dependency);

    Result<AvailabilitySnapshot> snapshot(const ShowId& show, const SeatIndex& seats, EpochMs now) override;
    Result<HoldResult> hold(const HoldRequest& request) override;
    void holdAsync(const HoldRequest& request, std::function<void(Result<HoldResult>)> done) override;
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
    Result<StoreShowState> showState(const ShowId& show) override;
    Result<std::string> generation() override;
    bool awaitsRepair() override { return inner_.awaitsRepair(); }
    Result<void> openHolds(const std::string& generation) override { return inner_.openHolds(generation); }

private:
    HoldStore& inner_;
    const BookingMetrics& booking_;
    const DependencyOp &snapshot_, &hold_, &findHold_, &release_, &attach_, &sell_, &releaseOrder_, &restore_, &detach_,
        &showState_, &generation_;
};

}  // namespace boxoffice::metrics
