#include "storage/memory/memory_hold_store.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <mutex>
#include <random>
#include <string>
#include <unordered_set>

#include "domain/hold_id.hpp"
#include "storage/memory/memory_show_state.hpp"

namespace boxoffice::memory {

MemoryHoldStore::MemoryHoldStore() : generation_("memory-" + std::to_string(std::random_device{}())) {}
MemoryHoldStore::~MemoryHoldStore() = default;

MemoryHoldStore::ShowState* MemoryHoldStore::find(const ShowId& show) {
    std::shared_lock lock(mapMu_);
    const auto it = shows_.find(show);
    return it == shows_.end() ? nullptr : it->second.get();
}

MemoryHoldStore::ShowState& MemoryHoldStore::findOrCreate(const ShowId& show) {
    std::unique_lock lock(mapMu_);
    auto& slot = shows_[show];
    if (!slot) slot = std::make_unique<ShowState>();
    return *slot;
}

Result<HoldResult> MemoryHoldStore::hold(const HoldRequest& request) {
    // release() and findHold() locate the hold by the show in its id alone.
    const auto showOfId = showOfHold(request.holdId);
    if (!showOfId || *showOfId != request.showId)
        return Error::internalError("hold id " + request.holdId.str() + " does not carry show " + request.showId.str());
    ShowState* st = find(request.showId);
    if (st == nullptr) return HoldResult{HoldResult::Kind::NotReady, {}, 0, {}};

    std::lock_guard lock(st->mu);
    st->maybeCollect(request.now);
    if (st->holds.contains(request.holdId)) return Error::internalError("hold id reused: " + request.holdId.str());

    HoldResult result;
    if (request.pick) {
        if (!request.seating) return Error::internalError("best-available hold without the show's seating");
        // The allowance first: it does not depend on which seats would be picked (as in Redis).
        const int have = st->userSeats(request.userId, request.now);
        if (have + request.pick->quantity > request.maxSeatsPerUser) {
            result.kind = HoldResult::Kind::UserLimitReached;
            result.userSeats = have;
            return result;
        }
        const SeatIndex& seating = *request.seating;
        const auto& all = seating.seats();
        st->prepareRowScans(seating);
        const int needed = request.pick->adjacent ? request.pick->quantity : 1;
        RowScanHooks hooks{[&](std::size_t r) {
                               const RowScan& scan = st->rowScans[r];
                               return scan.scanned && scan.bound > request.now && scan.run < needed;
                           },
                           [&](std::size_t r) { st->scanRow(seating, r, request.now); }};
        const auto picked = pickBestSeats(
            seating, *request.pick,
            [&](std::uint32_t pos) { return st->liveOwner(all[pos].seatId, request.now) == nullptr; }, &hooks);
        // The rows the hold takes seats from are read again next time.
        for (const auto pos : picked) st->rowScans[seating.rowOfSeat(pos)].scanned = false;
        if (picked.empty()) {
            result.kind = HoldResult::Kind::Unavailable;
            return result;
        }
        for (const auto pos : picked) result.seatIds.push_back(all[pos].seatId);
    } else {
        for (const auto& seatId : request.seatIds)
            if (st->liveOwner(seatId, request.now) != nullptr) result.unavailable.push_back(seatId);
        if (!result.unavailable.empty()) {
            result.kind = HoldResult::Kind::Unavailable;
            return result;
        }
        const int have = st->userSeats(request.userId, request.now);
        if (have + static_cast<int>(request.seatIds.size()) > request.maxSeatsPerUser) {
            result.kind = HoldResult::Kind::UserLimitReached;
            result.userSeats = have;
            return result;
        }
    }
    const std::vector<SeatId>& seatIds = request.pick ? result.seatIds : request.seatIds;

    for (const auto& seatId : seatIds)
        st->own(seatId, {SeatOwner::Kind::Hold, request.holdId.str(), request.userId, request.expiresAt});
    Hold h{request.holdId,   request.showId,    request.userId, seatIds,
           HoldStatus::Held, request.expiresAt, request.now,    std::nullopt};
    st->holds.emplace(request.holdId, HoldRecord{std::move(h), request.expiresAt + kRecordRetentionMs});
    result.kind = HoldResult::Kind::Held;
    return result;
}

Result<std::optional<Hold>> MemoryHoldStore::findHold(const HoldId& id, EpochMs now) {
    const auto show = showOfHold(id);
    if (!show) return std::optional<Hold>{};
    ShowState* st = find(*show);
    if (st == nullptr) return std::optional<Hold>{};

    std::lock_guard lock(st->mu);
    const auto it = st->holds.find(id);
    if (it == st->holds.end()) return std::optional<Hold>{};
    Hold h = it->second.hold;
    if (h.status == HoldStatus::Held && now >= h.expiresAt) h.status = HoldStatus::Expired;
    return std::optional<Hold>{std::move(h)};
}

Result<HoldChange> MemoryHoldStore::release(const HoldId& id, const UserId& user, EpochMs now) {
    const auto show = showOfHold(id);
    if (!show) return HoldChange::NotFound;
    ShowState* st = find(*show);
    if (st == nullptr) return HoldChange::NotFound;

    std::lock_guard lock(st->mu);
    HoldRecord* rec = nullptr;
    if (const HoldChange c = st->checkHeld(id, user, now, rec); c != HoldChange::Done) return c;
    rec->hold.status = HoldStatus::Released;
    // A restored claim may have taken one of the seats since: free only what this hold still owns.
    for (const auto& seatId : rec->hold.seatIds) {
        const auto it = st->seats.find(seatId);
        if (it != st->seats.end() && it->second.kind == SeatOwner::Kind::Hold && it->second.ownerId == id.str()) {
            st->seats.erase(it);
            st->freed(seatId);
        }
    }
    return HoldChange::Done;
}

Result<HoldChange> MemoryHoldStore::attachToOrder(const HoldId& id, const UserId& user, const OrderId& order,
                                                  EpochMs orderExpiresAt, EpochMs now) {
    const auto show = showOfHold(id);
    if (!show) return HoldChange::NotFound;
    ShowState* st = find(*show);
    if (st == nullptr) return HoldChange::NotFound;

    std::lock_guard lock(st->mu);
    if (const auto it = st->holds.find(id); it != st->holds.end() && it->second.hold.userId == user &&
                                            it->second.hold.status == HoldStatus::Ordered &&
                                            it->second.hold.orderId == order) {
        // Attached to this very order before (an order whose creation was cut short, made again):
        // done while the order still owns every seat, which then take the new window.
        for (const auto& seatId : it->second.hold.seatIds) {
            const SeatOwner* owner = st->liveOwner(seatId, now);
            if (owner == nullptr || owner->kind != SeatOwner::Kind::Order || owner->ownerId != order.str())
                return HoldChange::NotHeld;
        }
        for (const auto& seatId : it->second.hold.seatIds) {
            st->own(seatId, {SeatOwner::Kind::Order, order.str(), user, orderExpiresAt});
            st->freed(seatId);  // the order's window may end before the hold would have
        }
        it->second.keepUntil = std::max(it->second.hold.expiresAt, orderExpiresAt) + kRecordRetentionMs;
        return HoldChange::Done;
    }
    HoldRecord* rec = nullptr;
    if (const HoldChange c = st->checkHeld(id, user, now, rec); c != HoldChange::Done) return c;
    // Only a restored claim can have taken a seat of a live hold; the hold is then no longer
    // whole, and an order for it would be refused by SQL anyway.
    for (const auto& seatId : rec->hold.seatIds) {
        const SeatOwner* owner = st->liveOwner(seatId, now);
        if (owner == nullptr || owner->kind != SeatOwner::Kind::Hold || owner->ownerId != id.str())
            return HoldChange::NotHeld;
    }
    for (const auto& seatId : rec->hold.seatIds) {
        st->own(seatId, {SeatOwner::Kind::Order, order.str(), user, orderExpiresAt});
        st->freed(seatId);  // the order's window may end before the hold would have
    }
    rec->hold.status = HoldStatus::Ordered;
    rec->hold.orderId = order;
    rec->keepUntil = std::max(rec->hold.expiresAt, orderExpiresAt) + kRecordRetentionMs;
    return HoldChange::Done;
}

Result<void> MemoryHoldStore::sell(const ShowId& show, const OrderId& order, const UserId& user,
                                   const std::vector<SeatId>& seatIds, EpochMs /*now*/) {
    // A show never restored in this process learns the sale from SQL when it is restored.
    ShowState* st = find(show);
    if (st == nullptr) return {};

    std::lock_guard lock(st->mu);
    for (const auto& seatId : seatIds) {
        const auto it = st->seats.find(seatId);
        // SQL has confirmed the order, so the sale overrides whatever the store believes about the
        // seat (even a hold taken after the order's window seemed to close here), except another
        // sale: two sales of one seat are SQL's contradiction to settle, not ours to hide.
        if (it != st->seats.end() && it->second.kind == SeatOwner::Kind::Sold) continue;
        st->own(seatId, {SeatOwner::Kind::Sold, order.str(), user, 0});
    }
    return {};
}

Result<void> MemoryHoldStore::releaseOrder(const ShowId& show, const OrderId& order, const UserId& /*user*/,
                                           const std::vector<SeatId>& seatIds, EpochMs /*now*/) {
    ShowState* st = find(show);
    if (st == nullptr) return {};

    std::lock_guard lock(st->mu);
    for (const auto& seatId : seatIds) {
        const auto it = st->seats.find(seatId);
        if (it == st->seats.end() || it->second.ownerId != order.str()) continue;
        // Held for the order's payment window, or sold to it (a refund gives it back).
        if (it->second.kind == SeatOwner::Kind::Order || it->second.kind == SeatOwner::Kind::Sold) {
            if (it->second.kind == SeatOwner::Kind::Sold) --st->sold;
            st->seats.erase(it);
            st->freed(seatId);
        }
    }
    return {};
}

Result<void> MemoryHoldStore::restore(const ShowId& show, const std::vector<SeatClaim>& claims, EpochMs now) {
    ShowState& st = findOrCreate(show);
    std::lock_guard lock(st.mu);
    // Only adds: freeing order seats missing from `claims` could drop an order attached after the
    // caller read them from SQL.
    for (const auto& claim : claims) {
        // A closed payment window owns nothing; the sweeper will expire the order in SQL.
        if (claim.expiresAt != 0 && claim.expiresAt <= now) continue;
        const auto it = st.seats.find(claim.seatId);
        if (it != st.seats.end() && it->second.kind == SeatOwner::Kind::Sold) continue;
        if (claim.expiresAt == 0)
            st.own(claim.seatId, {SeatOwner::Kind::Sold, claim.orderId.str(), claim.userId, 0});
        else {
            st.own(claim.seatId, {SeatOwner::Kind::Order, claim.orderId.str(), claim.userId, claim.expiresAt});
            st.freed(claim.seatId);  // a claim may end before the hold it replaces
        }
    }
    return {};
}

Result<HoldChange> MemoryHoldStore::detachFromOrder(const HoldId& id, const UserId& user, const OrderId& order,
                                                    EpochMs keepUntil) {
    const auto show = showOfHold(id);
    if (!show) return HoldChange::NotFound;
    ShowState* st = find(*show);
    if (st == nullptr) return HoldChange::NotFound;

    std::lock_guard lock(st->mu);
    const auto it = st->holds.find(id);
    if (it == st->holds.end() || it->second.hold.userId != user) return HoldChange::NotFound;
    Hold& h = it->second.hold;
    if (h.status == HoldStatus::Held) return HoldChange::Done;
    if (h.status != HoldStatus::Ordered || h.orderId != order) return HoldChange::NotHeld;
    h.expiresAt = std::max(h.expiresAt, keepUntil);
    it->second.keepUntil = std::max(it->second.keepUntil, h.expiresAt + kRecordRetentionMs);
    for (const auto& seatId : h.seatIds) {
        const auto seat = st->seats.find(seatId);
        if (seat != st->seats.end() && seat->second.kind == SeatOwner::Kind::Order &&
            seat->second.ownerId == order.str()) {
            st->own(seatId, {SeatOwner::Kind::Hold, id.str(), user, h.expiresAt});
            st->freed(seatId);
        }
    }
    h.status = HoldStatus::Held;
    h.orderId.reset();
    return HoldChange::Done;
}

Result<StoreShowState> MemoryHoldStore::showState(const ShowId& show) {
    ShowState* st = find(show);
    if (st == nullptr) return StoreShowState{false, 0};
    std::lock_guard lock(st->mu);
    return StoreShowState{true, st->sold};
}

Result<std::string> MemoryHoldStore::generation() {
    return generation_;
}

Result<AvailabilitySnapshot> MemoryHoldStore::snapshot(const ShowId& show, const SeatIndex& seats, EpochMs now) {
    AvailabilitySnapshot s;
    s.epoch = "memory";
    s.status.assign(seats.size(), SeatStatus::Available);
    if (ShowState* st = find(show); st == nullptr) {
        s.ready = false;
    } else {
        std::lock_guard lock(st->mu);
        st->maybeCollect(now);
        // Walks the taken seats, not the layout: in a large hall most seats were never touched.
        for (const auto& [seatId, owner] : st->seats) {
            if (!owner.liveAt(now)) continue;
            const long pos = seats.find(seatId.str());
            if (pos < 0) continue;
            s.status[static_cast<std::size_t>(pos)] =
                owner.kind == SeatOwner::Kind::Sold ? SeatStatus::Sold : SeatStatus::Held;
        }
    }
    summarize(s);
    return s;
}

}  // namespace boxoffice::memory
