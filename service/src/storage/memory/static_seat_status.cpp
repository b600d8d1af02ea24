#include "storage/memory/static_seat_status.hpp"

namespace boxoffice::memory {

Result<AvailabilitySnapshot> StaticSeatStatus::snapshot(const ShowId& /*show*/, const SeatIndex& seats, EpochMs /*now*/) {
    const std::size_t seatCount = seats.size();
    AvailabilitySnapshot s;
    s.epoch = "static";
    s.version = 0;
    s.status.assign(seatCount, SeatStatus::Available);
    s.available = static_cast<int>(seatCount);
    return s;
}

}  // namespace boxoffice::memory
