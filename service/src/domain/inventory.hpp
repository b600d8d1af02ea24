#pragma once
// The hold store as the rest of the domain sees it: a store that lost its state (Redis restarted
// or flushed, the process restarted) is rebuilt from the truth in SQL before it answers for a show,
// and the store frees an order's seats no earlier than SQL does.
#include <atomic>
#include <chrono>
#include <mutex>
#include <unordered_map>
#include <cstdint>
#include <vector>

#include "domain/booking_ports.hpp"

namespace boxoffice {

class Inventory final : public SeatStatusSource {
public:
    /// `releaseGrace`: how long after an order's payment window the store still keeps its seats
    /// for it. SQL frees them when the sweeper expires the order (every sweep interval), and the
    /// sweeper then frees them in the store at once; the grace only covers a release that was lost
    /// (a crash between the two), so it is a few sweep intervals, not the normal path.
    Inventory(HoldStore& holds, OrderRepository& orders, std::chrono::milliseconds releaseGrace);

    /// Loads the show's sold seats and pending orders into the hold store.
    Result<void> restore(const ShowId& show, EpochMs now);
    /// A hold, restoring the show first when the store says it is not ready.
    Result<HoldResult> hold(const HoldRequest& request);
    /// The store's hold without waiting (HoldStore::holdAsync), noting the show as in use.
    void holdAsync(const HoldRequest& request, std::function<void(Result<HoldResult>)> done);
    Result<AvailabilitySnapshot> snapshot(const ShowId& show, const SeatIndex& seats, EpochMs now) override;

    /// When the store may give an order's seats to someone else, for an order whose payment window
    /// closes at `orderExpiresAt`.
    EpochMs releaseAt(EpochMs orderExpiresAt) const { return orderExpiresAt + releaseGrace_.count(); }

    /// The store may have missed a change SQL made (a sale it failed to record, a restart): until
    /// a restore that began after the mark succeeds, holds and seat maps of the show restore it
    /// first, and the reconciler restores it on its next pass.
    void markSuspect(const ShowId& show);
    bool isSuspect(const ShowId& show);
    std::vector<ShowId> suspects();
    /// Shows whose holds or seat maps were used at or after `since`, for the reconciler.
    std::vector<ShowId> showsUsedSince(EpochMs since);

    HoldStore& holds() { return holds_; }

private:
    void noteUsed(const ShowId& show, EpochMs now);

    HoldStore& holds_;
    OrderRepository& orders_;
    std::chrono::milliseconds releaseGrace_;
    std::mutex mu_;
    std::unordered_map<ShowId, EpochMs> lastUsed_;
    std::unordered_map<ShowId, std::uint64_t> suspects_;  // show -> marks so far
    std::atomic<bool> anySuspect_{false};                 // !suspects_.empty(): every hold asks, rarely true
};

}  // namespace boxoffice
