#include "messaging/backoff.hpp"

#include <algorithm>

namespace boxoffice::messaging {

std::chrono::milliseconds backoffDelay(int attempt, std::chrono::milliseconds base, std::chrono::milliseconds max,
                                       double random01) {
    const long long cap = std::max<long long>(max.count(), 1);
    long long d = std::max<long long>(base.count(), 1);
    for (int i = 1; i < attempt && d < cap; ++i) d *= 2;
    d = std::min(d, cap);
    const double r = std::clamp(random01, 0.0, 1.0);
    return std::chrono::milliseconds(d / 2 + static_cast<long long>(static_cast<double>(d - d / 2) * r));
}

}  // namespace boxoffice::messaging
