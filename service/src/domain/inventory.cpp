#include "domain/inventory.hpp"

namespace boxoffice {

Result<void> Inventory::restore(const ShowId& show, EpochMs now) {
    auto claims = orders_.activeClaims(show);
    if (!claims) return std::move(claims).error();
    return holds_.restore(show, *claims, now);
}

Result<HoldResult> Inventory::hold(const HoldRequest& request) {
    auto r = holds_.hold(request);
    if (!r || r->kind != HoldResult::Kind::NotReady) return r;
    if (auto restored = restore(request.showId, request.now); !restored) return std::move(restored).error();
    r = holds_.hold(request);
    if (r && r->kind == HoldResult::Kind::NotReady)
        return Error{ErrorCode::DependencyUnavailable,
                     "seat inventory is being rebuilt; retry",
                     {},
                     {},
                     "still not ready after restore"};
    return r;
}

Result<AvailabilitySnapshot> Inventory::snapshot(const ShowId& show, const SeatIndex& seats, EpochMs now) {
    auto s = holds_.snapshot(show, seats, now);
    if (!s || s->ready) return s;
    if (auto restored = restore(show, now); !restored) return std::move(restored).error();
    return holds_.snapshot(show, seats, now);
}

}  // namespace boxoffice
