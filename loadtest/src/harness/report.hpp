#pragma once
// The end-of-run report: counts by outcome, latency percentiles per endpoint, throughput over
// time, time to sell out; as text for humans, JSON for machines and an SVG chart.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "harness/live_seat_map.hpp"
#include "harness/queue_report.hpp"
#include "harness/scenario.hpp"
#include "common/stats.hpp"

namespace boxoffice::load {

/// How the crowd paid, as it was told (report lines "payments" and "refunds").
struct PaymentSummary {
    std::string via;  // "provider" or "confirm-payment"
    long long succeeded = 0, failed = 0;
    long long refundsRequested = 0, refundsCompleted = 0, refundedSeats = 0;
};

struct RunSummary {
    std::string title;  // describe(scenario) or the healthz benchmark's line
    std::string baseUrl;
    std::string showId;
    long long seatsOnSale = 0;
    long long users = 0;
    int connections = 0;
    int threads = 0;
    double seconds = 0;  // opening to the last response
    long long holds = 0, conflicts = 0, orders = 0, confirmed = 0, confirmedSeats = 0;
    std::int64_t soldOutMicros = -1;        // when clients' confirmed seats reached seatsOnSale
    std::int64_t noneAvailableMicros = -1;  // first availability answer with no seat AVAILABLE
    Stats stats;
    // The service's process during the sale (--service-pid); negative when not sampled.
    double harnessCpuSeconds = -1;  // this process during the sale
    double serviceCpuSeconds = -1, serviceMaxRssMiB = -1, servicePeakRssMiB = -1;
    std::map<std::string, long long> failureReasons;
    PaymentSummary payments;              // a sale only (users > 0)
    QueueSummary queue;                   // a queued crowd only (queue.on)
    std::optional<LiveMapStats> liveMap;  // --live-map only
    nlohmann::json verification;          // null when not run
};

nlohmann::json reportJson(const RunSummary& r);
std::string reportText(const RunSummary& r);
/// Throughput per second (per endpoint) above, latency p50/p99 per second below (log scale).
std::string reportSvg(const RunSummary& r);

/// "1.23 ms" style, from microseconds.
std::string formatMicros(std::int64_t us);

}  // namespace boxoffice::load
