#pragma once
// Every metric family of the service, registered once at start-up (Metrics' constructor). The rest
// of the code holds typed handles - plain pointers into those families - and only increments them:
// no label lookup on a request's path.
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include "domain/booking.hpp"
#include "domain/result.hpp"

namespace boxoffice::metrics {

/// Latency buckets of every duration histogram: 0.5 ms to 10 s.
const prometheus::Histogram::BucketBoundaries& latencyBuckets();

/// Outcomes of POST /v1/holds as a client sees them (the load verifier compares both counts).
enum class HoldOutcome { Held, Conflict, Invalid, Error };

struct BookingMetrics {
    std::array<prometheus::Counter*, 4> holds{};        // by HoldOutcome
    std::array<prometheus::Counter*, 6> transitions{};  // by OrderStatus reached (PAYMENT_PENDING: created)
    prometheus::Counter* holdExpiriesObserved = nullptr;
    prometheus::Counter* orderExpiriesSweeper = nullptr;
    prometheus::Counter* orderExpiriesLazy = nullptr;
    prometheus::Counter* idempotentReplays = nullptr;
    prometheus::Counter* oversellGuardHits = nullptr;

    void hold(HoldOutcome o) const { holds[static_cast<std::size_t>(o)]->Increment(); }
    void transition(OrderStatus to, double n = 1) const { transitions[static_cast<std::size_t>(to)]->Increment(n); }
};

struct SweeperMetrics {
    prometheus::Counter* runsOk = nullptr;
    prometheus::Counter* runsFailed = nullptr;
    prometheus::Histogram* duration = nullptr;
    prometheus::Gauge* lastRun = nullptr;  // unix seconds of the last completed run
    prometheus::Gauge* lag = nullptr;      // age of the oldest pending order past its window (sampled)
};

/// The outbox relay (inside serve, or `boxoffice relay`). The failure reasons are those of
/// messaging::FailureReason, in that order.
struct RelayMetrics {
    prometheus::Counter* published = nullptr;
    std::array<prometheus::Counter*, 9> failures{};
    prometheus::Counter* parked = nullptr;           // rows parked by this process
    prometheus::Counter* pruned = nullptr;           // sent rows deleted after the retention period
    prometheus::Histogram* batchDuration = nullptr;  // one SendMessageBatch call, answered or not
    prometheus::Gauge* lastSuccess = nullptr;        // unix seconds of the last acknowledged batch
};

/// One operation on one dependency: its latency and its failures by kind.
struct DependencyOp {
    prometheus::Histogram* duration = nullptr;
    prometheus::Counter* timeout = nullptr;
    prometheus::Counter* unavailable = nullptr;
    prometheus::Counter* internal = nullptr;

    /// Counts `error` when it is a dependency failure (business outcomes such as NotFound are not).
    void observe(double seconds, const Error* error) const;
};

/// Pool figures of one dependency, sampled.
struct PoolMetrics {
    prometheus::Gauge* size = nullptr;
    prometheus::Gauge* inUse = nullptr;
    prometheus::Counter* acquired = nullptr;
    prometheus::Counter* exhausted = nullptr;
    prometheus::Counter* waitSeconds = nullptr;
    prometheus::Counter* reconnects = nullptr;
    prometheus::Gauge* up = nullptr;
};

class Metrics {
public:
    Metrics(const std::string& version, const std::string& commit);
    Metrics(const Metrics&) = delete;
    Metrics& operator=(const Metrics&) = delete;

    const std::shared_ptr<prometheus::Registry>& registry() const { return registry_; }

    const BookingMetrics& booking() const { return booking_; }
    const SweeperMetrics& sweeper() const { return sweeper_; }
    const RelayMetrics& relay() const { return relay_; }
    /// Registration time only (adapters resolve their operations once, in their constructors).
    const DependencyOp& dependencyOp(const std::string& dependency, const std::string& operation);
    const PoolMetrics& pool(const std::string& dependency);

    prometheus::Family<prometheus::Gauge>& showSeats() { return *showSeats_; }
    prometheus::Gauge& outboxDepth() { return *outboxDepth_; }
    prometheus::Gauge& outboxOldestAge() { return *outboxOldestAge_; }
    prometheus::Gauge& outboxParked() { return *outboxParked_; }

private:
    std::shared_ptr<prometheus::Registry> registry_;
    BookingMetrics booking_;
    SweeperMetrics sweeper_;
    RelayMetrics relay_;
    prometheus::Family<prometheus::Histogram>* depDuration_;
    prometheus::Family<prometheus::Counter>* depErrors_;
    prometheus::Family<prometheus::Gauge>* poolSize_;
    prometheus::Family<prometheus::Gauge>* poolInUse_;
    prometheus::Family<prometheus::Counter>* poolAcquired_;
    prometheus::Family<prometheus::Counter>* poolExhausted_;
    prometheus::Family<prometheus::Counter>* poolWait_;
    prometheus::Family<prometheus::Counter>* reconnects_;
    prometheus::Family<prometheus::Gauge>* up_;
    prometheus::Family<prometheus::Gauge>* showSeats_;
    prometheus::Gauge* outboxDepth_;
    prometheus::Gauge* outboxOldestAge_;
    prometheus::Gauge* outboxParked_;
    std::mutex mu_;  // guards the two deques (registration only)
    std::deque<std::pair<std::string, DependencyOp>> ops_;
    std::deque<std::pair<std::string, PoolMetrics>> pools_;
};

}  // namespace boxoffice::metrics
