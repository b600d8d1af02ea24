#include "metrics/metrics.hpp"

namespace boxoffice::metrics {

namespace pm = prometheus;

const pm::Histogram::BucketBoundaries& latencyBuckets() {
    static const pm::Histogram::BucketBoundaries buckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                         0.1,    0.25,  0.5,    1.0,   2.5,  5.0,   10.0};
    return buckets;
}

void DependencyOp::observe(double seconds, const Error* error) const {
    duration->Observe(seconds);
    if (!error) return;
    switch (error->code) {
        case ErrorCode::DependencyTimeout:
            timeout->Increment();
            break;
        case ErrorCode::DependencyUnavailable:
            unavailable->Increment();
            break;
        case ErrorCode::Internal:
            internal->Increment();
            break;
        default:
            break;  // an expected outcome (not found, seat taken...), not a failure of the dependency
    }
}

Metrics::Metrics(const std::string& version, const std::string& commit) : registry_(std::make_shared<pm::Registry>()) {
    auto& r = *registry_;
    pm::BuildGauge()
        .Name("boxoffice_build_info")
        .Help("Always 1; the labels name the running build")
        .Register(r)
        .Add({{"version", version}, {"commit", commit}})
        .Set(1);

    auto& holds = pm::BuildCounter()
                      .Name("boxoffice_holds_total")
                      .Help(
                          "POST /v1/holds answers by outcome: held (201), conflict (409), invalid (other 4xx), "
                          "error (5xx)")
                      .Register(r);
    booking_.holds = {&holds.Add({{"outcome", "held"}}), &holds.Add({{"outcome", "conflict"}}),
                      &holds.Add({{"outcome", "invalid"}}), &holds.Add({{"outcome", "error"}})};
    auto& transitions = pm::BuildCounter()
                            .Name("boxoffice_order_transitions_total")
                            .Help("Orders reaching a status (PAYMENT_PENDING: created)")
                            .Register(r);
    for (auto s : {OrderStatus::PaymentPending, OrderStatus::Confirmed, OrderStatus::Failed, OrderStatus::Expired,
                   OrderStatus::Cancelled, OrderStatus::Refunded})
        booking_.transitions[static_cast<std::size_t>(s)] = &transitions.Add({{"to", std::string(orderStatusName(s))}});
    booking_.holdExpiriesObserved =
        &pm::BuildCounter()
             .Name("boxoffice_hold_expiries_total")
             .Help(
                 "Holds found expired when read or ordered (holds expire lazily in the store, so this counts "
                 "expiries that someone ran into)")
             .Register(r)
             .Add({});
    auto& orderExpiries = pm::BuildCounter()
                              .Name("boxoffice_order_expiries_total")
                              .Help("Pending orders expired past their payment window, by who noticed")
                              .Register(r);
    booking_.orderExpiriesSweeper = &orderExpiries.Add({{"via", "sweeper"}});
    booking_.orderExpiriesLazy = &orderExpiries.Add({{"via", "read"}});
    booking_.idempotentReplays = &pm::BuildCounter()
                                      .Name("boxoffice_idempotent_replays_total")
                                      .Help("Requests answered from a stored Idempotency-Key response")
                                      .Register(r)
                                      .Add({});
    booking_.oversellGuardHits =
        &pm::BuildCounter()
             .Name("boxoffice_oversell_guard_hits_total")
             .Help(
                 "Orders refused by PostgreSQL's unique index over active seats: the hold store let a seat "
                 "through twice. Must stay 0")
             .Register(r)
             .Add({});

    auto& runs = pm::BuildCounter().Name("boxoffice_sweeper_runs_total").Help("Order sweeper runs").Register(r);
    sweeper_.runsOk = &runs.Add({{"result", "ok"}});
    sweeper_.runsFailed = &runs.Add({{"result", "error"}});
    sweeper_.duration = &pm::BuildHistogram()
                             .Name("boxoffice_sweeper_run_duration_seconds")
                             .Help("Duration of one sweeper run")
                             .Register(r)
                             .Add({}, latencyBuckets());
    sweeper_.lastRun = &pm::BuildGauge()
                            .Name("boxoffice_sweeper_last_run_timestamp_seconds")
                            .Help("Unix time of the last completed sweeper run")
                            .Register(r)
                            .Add({});
    sweeper_.lag = &pm::BuildGauge()
                        .Name("boxoffice_sweeper_lag_seconds")
                        .Help("Age of the oldest pending order past its payment window (0: the sweeper is current)")
                        .Register(r)
                        .Add({});

    depDuration_ = &pm::BuildHistogram()
                        .Name("boxoffice_dependency_request_duration_seconds")
                        .Help("Latency of calls to Redis and the database, by operation")
                        .Register(r);
    depErrors_ = &pm::BuildCounter()
                      .Name("boxoffice_dependency_errors_total")
                      .Help(
                          "Failed calls to Redis and the database, by operation and kind (timeout, unavailable, "
                          "internal)")
                      .Register(r);
    poolSize_ = &pm::BuildGauge().Name("boxoffice_pool_connections").Help("Connections in the pool").Register(r);
    poolInUse_ = &pm::BuildGauge().Name("boxoffice_pool_connections_in_use").Help("Connections leased out").Register(r);
    poolAcquired_ =
        &pm::BuildCounter().Name("boxoffice_pool_acquisitions_total").Help("Connections leased").Register(r);
    poolExhausted_ = &pm::BuildCounter()
                          .Name("boxoffice_pool_exhausted_total")
                          .Help("Leases refused: no connection became free within the pool wait")
                          .Register(r);
    poolWait_ = &pm::BuildCounter()
                     .Name("boxoffice_pool_wait_seconds_total")
                     .Help("Time spent waiting for a connection")
                     .Register(r);
    reconnects_ = &pm::BuildCounter()
                       .Name("boxoffice_dependency_reconnects_total")
                       .Help("Connections re-established after being lost")
                       .Register(r);
    up_ = &pm::BuildGauge()
               .Name("boxoffice_dependency_up")
               .Help("1 when the last health check of the dependency passed")
               .Register(r);

    showSeats_ = &pm::BuildGauge()
                      .Name("boxoffice_show_seats")
                      .Help("Seats of each show on sale by state (available, held, sold); sampled")
                      .Register(r);
    outboxDepth_ = &pm::BuildGauge()
                        .Name("boxoffice_outbox_depth")
                        .Help("Unpublished outbox messages waiting for the relay (parked ones excluded); sampled")
                        .Register(r)
                        .Add({});
    outboxOldestAge_ = &pm::BuildGauge()
                            .Name("boxoffice_outbox_oldest_age_seconds")
                            .Help("Relay lag: age of the oldest unpublished, unparked outbox message (0 when empty)")
                            .Register(r)
                            .Add({});
    outboxParked_ = &pm::BuildGauge()
                         .Name("boxoffice_outbox_parked")
                         .Help("Outbox messages parked after repeated failures, waiting for an operator; sampled")
                         .Register(r)
                         .Add({});

    relay_.published = &pm::BuildCounter()
                            .Name("boxoffice_outbox_published_total")
                            .Help("Outbox messages the queue acknowledged")
                            .Register(r)
                            .Add({});
    auto& failures = pm::BuildCounter()
                         .Name("boxoffice_outbox_publish_failures_total")
                         .Help("Outbox messages not acknowledged by the queue on an attempt, by reason")
                         .Register(r);
    static constexpr const char* kReasons[] = {"throttled",     "server_error", "rejected", "too_large",   "auth",
                                               "queue_missing", "transport",    "timeout",  "bad_response"};
    for (std::size_t i = 0; i < relay_.failures.size(); ++i)
        relay_.failures[i] = &failures.Add({{"reason", kReasons[i]}});
    relay_.parked = &pm::BuildCounter()
                         .Name("boxoffice_outbox_parked_total")
                         .Help("Outbox messages parked by the relay (not retried again)")
                         .Register(r)
                         .Add({});
    relay_.pruned = &pm::BuildCounter()
                         .Name("boxoffice_outbox_pruned_total")
                         .Help("Sent outbox messages deleted after the retention period")
                         .Register(r)
                         .Add({});
    relay_.batchDuration = &pm::BuildHistogram()
                                .Name("boxoffice_outbox_batch_duration_seconds")
                                .Help("Duration of one SendMessageBatch call, answered or not")
                                .Register(r)
                                .Add({}, latencyBuckets());
    relay_.lastSuccess = &pm::BuildGauge()
                              .Name("boxoffice_outbox_relay_last_success_timestamp_seconds")
                              .Help("Unix time of the last batch the queue acknowledged")
                              .Register(r)
                              .Add({});
}

const DependencyOp& Metrics::dependencyOp(const std::string& dependency, const std::string& operation) {
    std::lock_guard lock(mu_);
    const std::string key = dependency + "/" + operation;
    for (const auto& [k, op] : ops_)
        if (k == key) return op;
    const pm::Labels base{{"dependency", dependency}, {"operation", operation}};
    auto with = [&](const char* kind) {
        pm::Labels l = base;
        l["kind"] = kind;
        return &depErrors_->Add(l);
    };
    DependencyOp op{&depDuration_->Add(base, latencyBuckets()), with("timeout"), with("unavailable"), with("internal")};
    return ops_.emplace_back(key, op).second;
}

const PoolMetrics& Metrics::pool(const std::string& dependency) {
    std::lock_guard lock(mu_);
    for (const auto& [k, p] : pools_)
        if (k == dependency) return p;
    const pm::Labels l{{"dependency", dependency}};
    PoolMetrics p{
        &poolSize_->Add(l),   &poolInUse_->Add(l), &poolAcquired_->Add(l), &poolExhausted_->Add(l), &poolWait_->Add(l),
        &reconnects_->Add(l), &up_->Add(l)};
    return pools_.emplace_back(dependency, p).second;
}

}  // namespace boxoffice::metrics
