#include "admission/waiting_room.hpp"

#include <algorithm>
#include <cmath>

namespace boxoffice::admission {

Error stateLost() {
    return Error::of(ErrorCode::DependencyUnavailable, "waiting room state lost; retry",
                     "the queue store has no state for an armed waiting room (restarted empty?)");
}

double advancedByRate(double admitted, std::int64_t rate, EpochMs elapsedMs, std::int64_t size) {
    if (elapsedMs <= 0 || rate <= 0) return std::min(admitted, static_cast<double>(size));
    // Capped at the queue's size: credit does not build up while nobody waits, so a lull followed
    // by a crowd still lets the crowd in at the rate, not at once.
    return std::min(admitted + static_cast<double>(rate) * static_cast<double>(elapsedMs) / 1000.0,
                    static_cast<double>(size));
}

std::int64_t advancedBySlots(std::int64_t admitted, std::int64_t maxActive, std::int64_t active, std::int64_t size) {
    return std::min(size, admitted + std::max<std::int64_t>(0, maxActive - active));
}

std::optional<std::int64_t> estimatedWaitSeconds(const WaitingRoomSettings& room, const Place& place) {
    if (!place.joined) return std::nullopt;
    if (place.admittedAt > 0) return 0;
    if (place.preQueue || place.room.paused) return std::nullopt;
    const std::int64_t ahead = std::max<std::int64_t>(0, place.rank - place.room.admitted);
    if (room.admitRate > 0) return (ahead + room.admitRate) / room.admitRate;  // rounded up, at least 1 s
    // maxActive: a slot frees at the latest when a window ends; an upper bound.
    const std::int64_t windowS = room.shoppingWindow.count() / 1000;
    return (ahead / std::max<std::int64_t>(1, room.maxActive) + 1) * windowS;
}

std::vector<FieldError> validate(const WaitingRoomSettings& room) {
    std::vector<FieldError> errs;
    if ((room.admitRate > 0) == (room.maxActive > 0))
        errs.push_back({"admitRate", "set exactly one of admitRate and maxActive"});
    if (room.admitRate < 0 || room.admitRate > kMaxAdmitRate)
        errs.push_back({"admitRate", "must be between 1 and " + std::to_string(kMaxAdmitRate)});
    if (room.maxActive < 0 || room.maxActive > kMaxActive)
        errs.push_back({"maxActive", "must be between 1 and " + std::to_string(kMaxActive)});
    if (room.admissionTtl < kMinAdmissionTtl || room.admissionTtl > kMaxAdmissionTtl)
        errs.push_back({"admissionTtlSeconds", "must be between 5 and 3600"});
    if (room.shoppingWindow < kMinShoppingWindow || room.shoppingWindow > kMaxShoppingWindow)
        errs.push_back({"shoppingWindowSeconds", "must be between 10 and 3600"});
    if (room.opensAt < 0) errs.push_back({"opensAt", "must be an RFC 3339 time"});
    return errs;
}

}  // namespace boxoffice::admission
