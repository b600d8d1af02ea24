#pragma once
// The hold store of the embedded default (one process): the same semantics as the Redis store,
// kept in this process's memory.
#include <memory>
#include <shared_mutex>
#include <unordered_map>

#include "domain/booking_ports.hpp"

namespace boxoffice::memory {

/// Seat holds in process memory, one mutex per show so shows never contend with each other.
/// A show is NotReady until restore() was called for it once: after a restart the process
/// remembers nothing, while the embedded database still knows every sold seat.
class MemoryHoldStore final : public HoldStore {
public:
    MemoryHoldStore();
    ~MemoryHoldStore() override;
    MemoryHoldStore(const MemoryHoldStore&) = delete;
    MemoryHoldStore& operator=(const MemoryHoldStore&) = delete;

    Result<HoldResult> hold(const HoldRequest& request) override;
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
    /// This process's store: one generation for its whole life (a restart forgets everything).
    Result<std::string> generation() override;
    /// Never: its data cannot be older than this process.
    bool awaitsRepair() override { return false; }
    Result<void> openHolds(const std::string&) override { return {}; }
    Result<AvailabilitySnapshot> snapshot(const ShowId& show, const SeatIndex& seats, EpochMs now) override;

private:
    struct ShowState;

    /// The show's state, or nullptr when it was never restored. Only restore() creates one, so
    /// ids taken from requests (hold ids in URLs) cannot grow the map. States are never dropped,
    /// so the pointer stays valid for the store's life without holding mapMu_.
    ShowState* find(const ShowId& show);
    ShowState& findOrCreate(const ShowId& show);

    std::shared_mutex mapMu_;  // guards shows_ only; released before a show's mutex is taken
    std::unordered_map<ShowId, std::unique_ptr<ShowState>> shows_;
    std::string generation_;
};

}  // namespace boxoffice::memory
