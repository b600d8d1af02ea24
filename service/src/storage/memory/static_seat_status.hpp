#pragma once
#include "domain/ports.hpp"

namespace boxoffice::memory {

/// Every seat AVAILABLE, always at version 0: the seat status of a catalog without bookings.
/// The booking flow replaces it with the hold store.
class StaticSeatStatus final : public SeatStatusSource {
public:
    Result<AvailabilitySnapshot> snapshot(const ShowId& show, const SeatIndex& seats, EpochMs now) override;
};

}  // namespace boxoffice::memory
