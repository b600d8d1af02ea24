#pragma once
// What one event loop measured: latency histograms and status counts per endpoint, a per-second
// timeline, and the live counters the progress line reads from another thread. Merged at the end.

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/histogram.hpp"

namespace boxoffice::load {

enum Endpoint : std::uint8_t {
    Healthz,
    Layout,
    Availability,
    Hold,
    Order,
    Confirm,
    Cancel,
    QueueJoin,  // POST /v1/shows/{id}/queue
    QueuePoll,  // GET /v1/shows/{id}/queue/me
    StartPay,   // POST /v1/orders/{id}/payment
    Webhook,    // POST /v1/payments/dev/webhook (the dev provider's signed callback)
    GetOrder,   // GET /v1/orders/{id} (the tickets, once the callback confirmed the order)
    Refund,     // POST /v1/orders/{id}/refund
    kEndpoints
};

/// The route as the service registers it ("POST /v1/orders/{id}/confirm-payment").
const char* endpointRoute(int endpoint);
/// A short name for reports ("confirm").
const char* endpointName(int endpoint);

enum Outcome : std::uint8_t {
    Confirmed,        // paid, tickets received
    SoldOutSeen,      // saw no available seat (after a reload) and left
    GaveUp,           // conflicts on every attempt, left while seats were still available
    AbandonedHold,    // held and walked away (the hold expires)
    AbandonedOrder,   // ordered and never paid (the order expires)
    Cancelled,        // ordered and cancelled
    PaidTooLate,      // the payment came after the window (ORDER_EXPIRED, or the provider refunded it)
    Rejected,         // another 4xx (seat limit, sale closed, order refused...)
    Failed,           // a 5xx or a transport error
    NeverAdmitted,    // queued and left before the waiting room admitted them (--queue-give-up)
    AdmissionLapsed,  // admitted, but the shopping window ended before a hold (the service said EXPIRED)
    PaymentFailed,    // the provider's callback failed the payment (the order is FAILED, its seats free)
    Refunded,         // paid, then asked for a refund of every seat and got it
    kOutcomes
};
const char* outcomeName(int outcome);

struct EndpointStats {
    Histogram latency;                       // from the planned start (open loop)
    std::map<int, long long> statuses;       // HTTP status -> count
    std::map<std::string, long long> codes;  // problem `code` of 4xx/5xx -> count
    long long transportErrors = 0;
    void merge(const EndpointStats& o);
};

struct Second {
    std::array<long long, kEndpoints> done{};
    Histogram latency;  // every endpoint
    Histogram holdLatency;
    long long holds = 0, conflicts = 0, confirmedSeats = 0, errors = 0;
    long long admitted = 0;  // queued users first told ADMITTED in this second
    void merge(const Second& o);
};

/// Written by one loop thread, read by the progress thread (relaxed: figures for a human).
struct alignas(64) LiveCounters {
    std::atomic<long long> requests{0}, holds{0}, conflicts{0}, orders{0}, confirmed{0}, confirmedSeats{0}, errors{0},
        usersDone{0}, admitted{0};
    std::atomic<long long> seatsLeft{-1};  // AVAILABLE in the latest availability seen
    static void bump(std::atomic<long long>& a, long long by = 1) {
        a.store(a.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
    }
};

struct Stats {
    std::array<EndpointStats, kEndpoints> endpoints;
    std::vector<Second> timeline;
    std::array<long long, kOutcomes> outcomes{};
    std::int64_t firstNoneAvailableMicros = -1;  // after opening: first availability with 0 AVAILABLE
    long long liveMapReads = 0;                  // availability reads answered by the live seat map
    Second& at(int slot) {
        if (slot >= static_cast<int>(timeline.size())) timeline.resize(static_cast<std::size_t>(slot) + 1);
        return timeline[static_cast<std::size_t>(slot)];
    }
    void merge(const Stats& o);
};

}  // namespace boxoffice::load
