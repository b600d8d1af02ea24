#pragma once
// The hold store as the rest of the domain sees it: a store that lost its state (Redis restarted
// or flushed, the process restarted) is rebuilt from the truth in SQL before it answers for a show.
#include "domain/booking_ports.hpp"

namespace boxoffice {

class Inventory final : public SeatStatusSource {
public:
    Inventory(HoldStore& holds, OrderRepository& orders) : holds_(holds), orders_(orders) {}

    /// Loads the show's sold seats and pending orders into the hold store.
    Result<void> restore(const ShowId& show, EpochMs now);
    /// A hold, restoring the show first when the store says it is not ready.
    Result<HoldResult> hold(const HoldRequest& request);
    Result<AvailabilitySnapshot> snapshot(const ShowId& show, const SeatIndex& seats, EpochMs now) override;

    HoldStore& holds() { return holds_; }

private:
    HoldStore& holds_;
    OrderRepository& orders_;
};

}  // namespace boxoffice
