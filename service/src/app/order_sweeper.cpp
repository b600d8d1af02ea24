#include "app/order_sweeper.hpp"

#include "util/log.hpp"
#include "util/redact.hpp"

namespace boxoffice::app {

OrderSweeper::OrderSweeper(BookingService& booking, sql::SqlIdempotencyStore& claims,
                           const metrics::SweeperMetrics& metrics, const Clock& clock,
                           std::chrono::milliseconds interval)
    : booking_(booking), claims_(claims), metrics_(metrics), clock_(clock), task_(interval, [this] { runOnce(); }) {}

void OrderSweeper::runOnce() {
    constexpr int kBatch = 500;
    const auto started = std::chrono::steady_clock::now();
    bool ok = true;
    // Full batches mean a backlog: keep going until it is drained.
    for (int round = 0; round < 100; ++round) {
        auto n = booking_.sweep(kBatch);
        if (!n) {
            log::warn("order sweep failed",
                      {{"error", n.error().detail}, {"internal", util::redactSecrets(n.error().internal)}});
            ok = false;
            break;
        }
        if (*n > 0) log::info("orders expired", {{"count", *n}});
        if (*n < kBatch) break;
    }
    // Claims whose lease passed unanswered (a crashed request, or an answer the database went
    // away before it could store): forgotten, so no key reads "in progress" past its lease. The
    // same database as the orders: not tried when their sweep just failed.
    if (ok) {
        auto purged = claims_.purgeDeadClaims(clock_.nowMs());
        if (!purged)
            log::warn("idempotency claim sweep failed",
                      {{"error", purged.error().detail}, {"internal", util::redactSecrets(purged.error().internal)}});
        else if (*purged > 0)
            log::info("dead idempotency claims cleared", {{"count", *purged}});
    }
    metrics_.duration->Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    (ok ? metrics_.runsOk : metrics_.runsFailed)->Increment();
    // Wall time, not clock_: alerts compare it with time().
    if (ok)
        metrics_.lastRun->Set(
            std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
}

}  // namespace boxoffice::app
