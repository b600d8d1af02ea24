#pragma once
// The refund retrier, a component of the composition root: a refund is reserved in SQL (its seats
// back on sale, its tickets void) before the provider is called; when that call fails and the
// buyer never asks again, the money would stay with us. Every interval this completes the refunds
// left pending for longer than `age` (longer than a request's own attempts at the provider, so it
// does not race the request that reserved them), oldest first, at the provider under their keys.
// Counted in boxoffice_refund_retries_total{outcome="completed|failed"}.
#include <chrono>

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "domain/clock.hpp"
#include "domain/refund_service.hpp"
#include "util/periodic_task.hpp"

namespace boxoffice::app {

class RefundRetrier {
public:
    RefundRetrier(RefundService& refunds, prometheus::Registry& registry, const Clock& clock,
                  std::chrono::milliseconds interval, std::chrono::milliseconds age);

    void start() { task_.start(); }
    void stop() { task_.stop(); }
    /// One run, as the thread makes it every interval.
    void runOnce();

private:
    RefundService& refunds_;
    prometheus::Counter& completed_;
    prometheus::Counter& failed_;
    const Clock& clock_;
    std::chrono::milliseconds age_;
    util::PeriodicTask task_;
};

}  // namespace boxoffice::app
