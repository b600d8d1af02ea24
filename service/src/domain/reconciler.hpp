#pragma once
// Brings the hold store back into agreement with SQL, the truth. The store can drift in three
// ways, and each pass looks for all three:
//  1. it lost or regained state behind our back: a Redis restart (empty, or with an old snapshot)
//     or a failover. The store's generation (Redis's run_id) changes: every show in use is
//     restored from SQL.
//  2. a sale SQL committed never reached the store (the sell failed, or the process died between
//     the commit and the sell). The store counts its sold seats; SQL counts its own. A store that
//     is behind SQL's count of the previous pass (a sale in flight has had a whole pass to land)
//     is restored. Sold seats only grow, so equal counts mean equal sets.
//  3. a caller saw a store operation fail after SQL changed (markSuspect): restored next pass.
//  4. a refund SQL committed never freed its seats in the store (the release failed): the store
//     counts more sold seats than SQL. The refunded seats SQL lists are released in the store
//     (only where the store still has them sold to that order, so a seat sold again since is
//     untouched). Counts only: a missed sale and a missed refund in one show between two passes
//     cancel out until the next change of either.
// A store that refuses holds until it is checked (HoldStore::awaitsRepair: a Redis that came back
// with an empty script cache) gets every show in use restored, then its holds opened.
// A show that is not ready (flushed) is restored too, so the first hold after a flush finds it
// ready. Restoring only adds SQL's claims (a claim wins over a hold, a sale is never overwritten),
// so a pass that races live traffic cannot lose a hold or a sale.
#include <chrono>
#include <string>
#include <unordered_map>

#include "domain/clock.hpp"
#include "domain/inventory.hpp"

namespace boxoffice {

class Reconciler {
public:
    /// `horizon`: shows used within it are checked (holds and seat maps mark a show used).
    /// `refunds` (may be null: nothing is ever refunded) lists the seats refunds took back.
    Reconciler(Inventory& inventory, OrderRepository& orders, const Clock& clock,
               std::chrono::milliseconds horizon = std::chrono::minutes(30), RefundedSeatSource* refunds = nullptr);

    struct Pass {
        int checked = 0;
        int restored = 0;
        bool generationChanged = false;
        bool holdsReopened = false;  // the store refused holds before this pass
    };
    /// One pass over the shows in use. An error means the store or SQL could not be asked; the
    /// shows it did not reach are checked on the next pass.
    Result<Pass> runOnce();
    /// Only asks the store for its generation (cheap, run often): when it changed, every show in use
    /// is marked suspect at once (so holds restore it before handing out a seat) and true is
    /// returned, so the caller runs a pass now. Also true, without asking, while the store refuses
    /// holds until a pass.
    Result<bool> generationChanged();

private:
    Result<bool> restoreIfDrifted(const ShowId& show, bool force, EpochMs now);
    /// Releases in the store the seats SQL's refunds took back (case 4).
    Result<void> releaseRefunded(const ShowId& show, EpochMs now);

    Inventory& inventory_;
    OrderRepository& orders_;
    const Clock& clock_;
    std::chrono::milliseconds horizon_;
    RefundedSeatSource* refunds_;
    std::string generation_;
    std::unordered_map<ShowId, long long> sqlSoldBefore_;  // SQL's sold seats per show at the last pass
};

}  // namespace boxoffice
