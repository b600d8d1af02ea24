#include "domain/ports.hpp"

namespace boxoffice {

void summarize(AvailabilitySnapshot& s) {
    s.available = s.held = s.sold = 0;
    std::uint64_t h = 14695981039346656037ULL;
    for (const SeatStatus v : s.status) {
        h ^= static_cast<std::uint8_t>(v);
        h *= 1099511628211ULL;
        switch (v) {
            case SeatStatus::Available:
                ++s.available;
                break;
            case SeatStatus::Held:
                ++s.held;
                break;
            case SeatStatus::Sold:
                ++s.sold;
                break;
        }
    }
    s.version = h;
}

}  // namespace boxoffice
