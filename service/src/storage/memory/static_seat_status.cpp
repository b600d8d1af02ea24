#include "storage/memory/static_seat_status.hpp"

namespace boxoffice::memory {

Result<AvailabilitySnapshot> StaticSeatStatus::snapshot(const ShowId& /*show*/, std::size_t seatCount) {
    AvailabilitySnapshot s;
    s.epoch = "static";
    s.version = 0;
    s.status.assign(seatCount, SeatStatus::Available);
    s.available = static_cast<int>(seatCount);
    return s;
}

}  // namespace boxoffice::memory
