#pragma once
// The order sweeper, a component of the composition root: every interval it expires the orders
// whose payment window passed (their seats go back on sale), in batches until the backlog is
// drained, then forgets idempotency claims whose lease passed unanswered. Counted in the sweeper
// metrics (runs, duration, last run).
#include <chrono>

#include "domain/booking_service.hpp"
#include "domain/clock.hpp"
#include "metrics/metrics.hpp"
#include "storage/sql/sql_idempotency_store.hpp"
#include "util/periodic_task.hpp"

namespace boxoffice::app {

class OrderSweeper {
public:
    OrderSweeper(BookingService& booking, sql::SqlIdempotencyStore& claims, const metrics::SweeperMetrics& metrics,
                 const Clock& clock, std::chrono::milliseconds interval);

    void start() { task_.start(); }
    void stop() { task_.stop(); }
    /// One run, as the thread makes it every interval.
    void runOnce();

private:
    BookingService& booking_;
    sql::SqlIdempotencyStore& claims_;
    const metrics::SweeperMetrics& metrics_;
    const Clock& clock_;
    util::PeriodicTask task_;
};

}  // namespace boxoffice::app
