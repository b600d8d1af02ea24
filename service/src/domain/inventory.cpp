#include "domain/inventory.hpp"

namespace boxoffice {
namespace {
// Shows remembered as in use; past it the oldest are forgotten (they are checked again once used).
constexpr std::size_t kMaxTrackedShows = 4096;
}  // namespace

Inventory::Inventory(HoldStore& holds, OrderRepository& orders, std::chrono::milliseconds releaseGrace)
    : holds_(holds), orders_(orders), releaseGrace_(releaseGrace) {}

Result<void> Inventory::restore(const ShowId& show, EpochMs now) {
    // A mark made after this point may be for a sale the claims below do not include yet: only the
    // marks seen now are cleared by this restore.
    std::uint64_t marks = 0;
    {
        std::lock_guard lock(mu_);
        if (auto it = suspects_.find(show); it != suspects_.end()) marks = it->second;
    }
    auto claims = orders_.activeClaims(show);
    if (!claims) return std::move(claims).error();
    // The store keeps a pending order's seats as long as SQL may (see releaseAt).
    for (auto& c : *claims)
        if (c.expiresAt != 0) c.expiresAt = releaseAt(c.expiresAt);
    if (auto r = holds_.restore(show, *claims, now); !r) return r;
    std::lock_guard lock(mu_);
    if (auto it = suspects_.find(show); it != suspects_.end() && it->second == marks) suspects_.erase(it);
    anySuspect_.store(!suspects_.empty(), std::memory_order_release);
    return {};
}

void Inventory::noteUsed(const ShowId& show, EpochMs now) {
    std::lock_guard lock(mu_);
    if (lastUsed_.size() >= kMaxTrackedShows && !lastUsed_.contains(show)) lastUsed_.clear();
    lastUsed_[show] = now;
}

Result<HoldResult> Inventory::hold(const HoldRequest& request) {
    noteUsed(request.showId, request.now);
    // A store that may have missed a sale must not hand out its seats: repaired first.
    if (isSuspect(request.showId)) {
        if (auto restored = restore(request.showId, request.now); !restored) return std::move(restored).error();
    }
    auto r = holds_.hold(request);
    if (!r || r->kind != HoldResult::Kind::NotReady) return r;
    if (auto restored = restore(request.showId, request.now); !restored) return std::move(restored).error();
    r = holds_.hold(request);
    if (r && r->kind == HoldResult::Kind::NotReady)
        return Error::of(ErrorCode::DependencyUnavailable, "seat inventory is being rebuilt; retry",
                         "still not ready after restore");
    return r;
}

void Inventory::holdAsync(const HoldRequest& request, std::function<void(Result<HoldResult>)> done) {
    noteUsed(request.showId, request.now);
    holds_.holdAsync(request, std::move(done));
}

Result<AvailabilitySnapshot> Inventory::snapshot(const ShowId& show, const SeatIndex& seats, EpochMs now) {
    noteUsed(show, now);
    if (isSuspect(show)) {
        if (auto restored = restore(show, now); !restored) return std::move(restored).error();
    }
    auto s = holds_.snapshot(show, seats, now);
    if (!s || s->ready) return s;
    if (auto restored = restore(show, now); !restored) return std::move(restored).error();
    return holds_.snapshot(show, seats, now);
}

void Inventory::markSuspect(const ShowId& show) {
    std::lock_guard lock(mu_);
    ++suspects_[show];
    anySuspect_.store(true, std::memory_order_release);
}

bool Inventory::isSuspect(const ShowId& show) {
    if (!anySuspect_.load(std::memory_order_acquire)) return false;
    std::lock_guard lock(mu_);
    return suspects_.contains(show);
}

std::vector<ShowId> Inventory::suspects() {
    std::lock_guard lock(mu_);
    std::vector<ShowId> out;
    out.reserve(suspects_.size());
    for (const auto& [show, marks] : suspects_) out.push_back(show);
    return out;
}

std::vector<ShowId> Inventory::showsUsedSince(EpochMs since) {
    std::lock_guard lock(mu_);
    std::vector<ShowId> out;
    for (const auto& [show, at] : lastUsed_)
        if (at >= since) out.push_back(show);
    return out;
}

}  // namespace boxoffice
