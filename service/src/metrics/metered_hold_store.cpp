#include "metrics/metered_hold_store.hpp"

#include "metrics/stopwatch.hpp"

namespace boxoffice::metrics {

MeteredHoldStore::MeteredHoldStore(HoldStore& inner, Metrics& m, const std::string& dep)
    : inner_(inner),
      booking_(m.booking()),
      snapshot_(m.dependencyOp(dep, "seat_snapshot")),
      hold_(m.dependencyOp(dep, "hold")),
      findHold_(m.dependencyOp(dep, "find_hold")),
      release_(m.dependencyOp(dep, "release_hold")),
      attach_(m.dependencyOp(dep, "attach_to_order")),
      sell_(m.dependencyOp(dep, "sell")),
      releaseOrder_(m.dependencyOp(dep, "release_order")),
      restore_(m.dependencyOp(dep, "restore")),
      detach_(m.dependencyOp(dep, "detach_from_order")),
      showState_(m.dependencyOp(dep, "show_state")),
      generation_(m.dependencyOp(dep, "generation")) {}

Result<AvailabilitySnapshot> MeteredHoldStore::snapshot(const ShowId& show, const SeatIndex& seats, EpochMs now) {
    Stopwatch w;
    return record(snapshot_, w, inner_.snapshot(show, seats, now));
}

Result<HoldResult> MeteredHoldStore::hold(const HoldRequest& request) {
    Stopwatch w;
    return record(hold_, w, inner_.hold(request));
}

void MeteredHoldStore::holdAsync(const HoldRequest& request, std::function<void(Result<HoldResult>)> done) {
    inner_.holdAsync(request, [op = &hold_, w = Stopwatch{}, done = std::move(done)](Result<HoldResult> r) {
        note(*op, w, r);
        done(std::move(r));
    });
}

Result<std::optional<Hold>> MeteredHoldStore::findHold(const HoldId& id, EpochMs now) {
    Stopwatch w;
    auto r = inner_.findHold(id, now);
    note(findHold_, w, r);
    if (r && *r && (*r)->status == HoldStatus::Expired) booking_.holdExpiriesObserved->Increment();
    return r;
}

Result<HoldChange> MeteredHoldStore::release(const HoldId& id, const UserId& user, EpochMs now) {
    Stopwatch w;
    return record(release_, w, inner_.release(id, user, now));
}

Result<HoldChange> MeteredHoldStore::attachToOrder(const HoldId& id, const UserId& user, const OrderId& order,
                                                   EpochMs orderExpiresAt, EpochMs now) {
    Stopwatch w;
    return record(attach_, w, inner_.attachToOrder(id, user, order, orderExpiresAt, now));
}

Result<void> MeteredHoldStore::sell(const ShowId& show, const OrderId& order, const UserId& user,
                                    const std::vector<SeatId>& seatIds, EpochMs now) {
    Stopwatch w;
    return record(sell_, w, inner_.sell(show, order, user, seatIds, now));
}

Result<void> MeteredHoldStore::releaseOrder(const ShowId& show, const OrderId& order, const UserId& user,
                                            const std::vector<SeatId>& seatIds, EpochMs now) {
    Stopwatch w;
    return record(releaseOrder_, w, inner_.releaseOrder(show, order, user, seatIds, now));
}

Result<void> MeteredHoldStore::restore(const ShowId& show, const std::vector<SeatClaim>& claims, EpochMs now) {
    Stopwatch w;
    return record(restore_, w, inner_.restore(show, claims, now));
}

Result<HoldChange> MeteredHoldStore::detachFromOrder(const HoldId& id, const UserId& user, const OrderId& order,
                                                     EpochMs keepUntil) {
    Stopwatch w;
    return record(detach_, w, inner_.detachFromOrder(id, user, order, keepUntil));
}

Result<StoreShowState> MeteredHoldStore::showState(const ShowId& show) {
    Stopwatch w;
    return record(showState_, w, inner_.showState(show));
}

Result<std::string> MeteredHoldStore::generation() {
    Stopwatch w;
    return record(generation_, w, inner_.generation());
}

}  // namespace boxoffice::metrics
