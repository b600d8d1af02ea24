#include "harness/arrivals.hpp"

#include <cmath>

namespace boxoffice::load {

std::int64_t plannedArrivalMicros(const Scenario& s, long long i, long long n) {
    if (n <= 0 || i <= 0) return 0;
    const double share = static_cast<double>(i) / static_cast<double>(n);
    switch (s.arrival) {
        case Arrival::Instant:
            return static_cast<std::int64_t>(share * static_cast<double>(s.window.count()) * 1000.0);
        case Arrival::Ramp:
            return static_cast<std::int64_t>(std::sqrt(share) * static_cast<double>(s.ramp.count()) * 1000.0);
        case Arrival::Rate:
            return static_cast<std::int64_t>(static_cast<double>(i) / s.rate * 1e6);
        case Arrival::Closed:
            return 0;
    }
    return 0;
}

}  // namespace boxoffice::load
