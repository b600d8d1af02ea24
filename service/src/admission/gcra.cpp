#include "admission/gcra.hpp"

#include <algorithm>

namespace boxoffice::admission {

Micros Policy::emissionInterval() const {
    const Micros window_us = std::chrono::duration_cast<std::chrono::microseconds>(window).count();
    return std::max<Micros>(1, window_us / std::max<std::int64_t>(1, limit));
}

Micros Policy::tolerance() const {
    return emissionInterval() * std::max<std::int64_t>(1, burst);
}

GcraStep gcra(Micros tat, Micros now, const Policy& policy) {
    const Micros t = policy.emissionInterval();
    const Micros tau = policy.tolerance();
    const Micros base = std::max(tat, now);
    const Micros next = base + t;
    // The earliest time this request fits: TAT may be at most tau ahead of it.
    const Micros allowAt = next - tau;
    GcraStep step;
    step.decision.limit = policy.limit;
    if (now < allowAt) {
        step.decision.allowed = false;
        step.decision.remaining = 0;
        step.decision.retryAfter = allowAt - now;
        step.decision.resetAfter = base - now;
        step.newTat = tat;
        return step;
    }
    step.decision.allowed = true;
    step.decision.remaining = (now - allowAt) / t;
    step.decision.retryAfter = 0;
    step.decision.resetAfter = next - now;
    step.newTat = next;
    return step;
}

}  // namespace boxoffice::admission
