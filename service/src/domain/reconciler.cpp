#include "domain/reconciler.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_set>

namespace boxoffice {

Reconciler::Reconciler(Inventory& inventory, OrderRepository& orders, const Clock& clock,
                       std::chrono::milliseconds horizon, RefundedSeatSource* refunds)
    : inventory_(inventory), orders_(orders), clock_(clock), horizon_(horizon), refunds_(refunds) {}

Result<void> Reconciler::releaseRefunded(const ShowId& show, EpochMs now) {
    if (!refunds_) return {};
    auto seats = refunds_->refundedSeats(show);
    if (!seats) return std::move(seats).error();
    std::map<std::pair<OrderId, UserId>, std::vector<SeatId>> byOrder;
    for (auto& s : *seats) byOrder[{s.orderId, s.userId}].push_back(std::move(s.seatId));
    for (const auto& [owner, ids] : byOrder)
        if (auto freed = inventory_.holds().releaseOrder(show, owner.first, owner.second, ids, now); !freed)
            return freed;
    return {};
}

Result<bool> Reconciler::restoreIfDrifted(const ShowId& show, bool force, EpochMs now) {
    // The store is read before SQL: a sale committed between the two reads is in SQL's count of
    // this pass, which is compared only with the store's count of the next one.
    auto state = inventory_.holds().showState(show);
    if (!state) return std::move(state).error();
    const auto before = sqlSoldBefore_.find(show);
    const bool behind = before != sqlSoldBefore_.end() && state->soldSeats < before->second;
    auto sold = orders_.soldSeatCount(show);
    if (!sold) return std::move(sold).error();
    sqlSoldBefore_[show] = *sold;
    // More sold in the store than in SQL, which read later: only a refund SQL committed can do that
    // (one in flight, whose own release is on its way, or one whose release failed). Releasing a
    // refunded seat is right either way.
    if (state->ready && state->soldSeats > *sold) {
        if (auto released = releaseRefunded(show, now); !released) return std::move(released).error();
        if (!force && !behind) return true;
    }
    if (!force && state->ready && !behind) return false;
    if (auto restored = inventory_.restore(show, now); !restored) {
        inventory_.markSuspect(show);  // not repaired yet: holds repair it first, and so does the next pass
        return std::move(restored).error();
    }
    return true;
}

Result<bool> Reconciler::generationChanged() {
    // Holds refused until a pass opens them: the pass is due now.
    if (inventory_.holds().awaitsRepair()) return true;
    auto generation = inventory_.holds().generation();
    if (!generation) return std::move(generation).error();
    if (generation_.empty() || *generation == generation_) return false;
    const EpochMs now = clock_.nowMs();
    for (const auto& show : inventory_.showsUsedSince(now - horizon_.count())) inventory_.markSuspect(show);
    return true;
}

Result<Reconciler::Pass> Reconciler::runOnce() {
    const EpochMs now = clock_.nowMs();
    Pass pass;
    auto generation = inventory_.holds().generation();
    if (!generation) return std::move(generation).error();
    pass.generationChanged = !generation_.empty() && *generation != generation_;
    // A store that refuses holds came back from a restart we may not have seen the run_id of
    // change for (or this process has not checked it yet): every show in use is restored.
    const bool closed = inventory_.holds().awaitsRepair();

    std::unordered_set<ShowId> suspects;
    for (auto& s : inventory_.suspects()) suspects.insert(std::move(s));
    auto shows = inventory_.showsUsedSince(now - horizon_.count());
    for (const auto& s : suspects)
        if (std::find(shows.begin(), shows.end(), s) == shows.end()) shows.push_back(s);

    std::optional<Error> failed;
    for (const auto& show : shows) {
        const bool force = pass.generationChanged || closed || suspects.contains(show);
        auto r = restoreIfDrifted(show, force, now);
        ++pass.checked;
        if (!r) {
            if (pass.generationChanged) inventory_.markSuspect(show);
            if (!failed) failed = std::move(r).error();
            continue;
        }
        if (*r) ++pass.restored;
    }
    // Holds open only on the server every show in use was restored on (openHolds checks that it
    // is still the same one).
    if (!failed && closed) {
        if (auto opened = inventory_.holds().openHolds(*generation); !opened)
            failed = std::move(opened).error();
        else
            pass.holdsReopened = true;
    }
    // A pass that could not finish a forced restore keeps the old generation, so the next pass
    // forces again.
    if (!failed || !pass.generationChanged) generation_ = *generation;
    if (failed) return std::move(*failed);
    return pass;
}

}  // namespace boxoffice
