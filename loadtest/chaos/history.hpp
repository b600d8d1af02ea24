#pragma once
// What the clients of a fault-injection run were told, with when: every acknowledged hold, order
// and confirmation, every error answer, and the fate of every Idempotency-Key. Filled by the chaos
// crowd on its loop thread, read by the checks afterwards. Plain data, no I/O. Times are
// monoMicros() of this process (the fault hook's markers use the same clock).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/histogram.hpp"
#include "verifier/ledger.hpp"
#include "common/stats.hpp"

namespace boxoffice::load::chaos {

struct HoldAck {  // a 201 on POST /v1/holds
    std::uint32_t user = 0;
    std::string holdId;
    std::vector<std::string> seatIds;
    std::int64_t sentUs = 0;  // when the request that got the 201 went out
    std::int64_t ackUs = 0;
    bool keyed = false;
};

struct OrderAck {  // a 201 on POST /v1/orders
    std::uint32_t user = 0;
    std::string orderId;
    std::string holdId;
    std::vector<std::string> seatIds;
    std::int64_t ackUs = 0;
};

struct ConfirmAck {  // a 200 on confirm-payment
    std::uint32_t user = 0;
    std::string orderId;
    std::vector<SeenTicket> tickets;
    std::int64_t ackUs = 0;
};

/// An order refused (a 4xx other than "in progress") on a hold this client had been granted.
struct OrderRefusal {
    std::uint32_t user = 0;
    std::string holdId;
    int status = 0;
    std::string code;
    int attempts = 0;             // of this order request, the refused one included
    std::int64_t sentUs = 0;      // the refused attempt
    std::int64_t answeredUs = 0;  // its answer
    std::int64_t holdSentUs = 0;  // the hold's request: its expiry is at least this + the hold TTL
};

/// An answer that is not a result: a 5xx, or no answer at all (status 0: reset, timeout, refused).
struct ErrorAnswer {
    Endpoint endpoint = Hold;
    int status = 0;
    std::string what;  // the problem `code`, or the transport failure
    bool problemJson = false;
    bool retryAfter = false;
    bool keyed = false;  // sent with an Idempotency-Key
    std::int64_t sentUs = 0;
    std::int64_t doneUs = 0;
};

/// Every answer (or failure) with its timing, for latencies during the fault.
struct Timing {
    Endpoint endpoint = Hold;
    int status = 0;
    std::int64_t sentUs = 0;
    std::int64_t doneUs = 0;
};

/// Every request sent with an Idempotency-Key and its retries with the same key.
struct KeyChain {
    std::uint32_t user = 0;
    std::string key;
    Endpoint endpoint = Hold;
    int attempts = 0;
    bool definitive = false;  // ended on an answer that is the request's real outcome
    int finalStatus = 0;      // last status seen (0: transport failure)
    int inProgressAnswers = 0;
    std::int64_t startUs = 0;
    std::int64_t endUs = 0;
};

/// [injectUs, restoreUs]: from the moment the fault hit to the moment its cause was removed
/// (process restarted, SIGCONT sent, lock released). injectUs < 0: no fault in this run.
struct FaultWindow {
    std::int64_t injectUs = -1;
    std::int64_t restoreUs = -1;
    bool any() const { return injectUs >= 0; }
};

struct History {
    std::vector<std::string> userIds;  // index = the crowd's user number
    std::vector<HoldAck> holds;
    std::vector<OrderAck> orders;
    std::vector<ConfirmAck> confirms;
    std::vector<std::string> expiredTold;  // order ids answered 409 ORDER_EXPIRED on confirm
    std::vector<ErrorAnswer> errors;
    std::vector<KeyChain> chains;
    std::vector<Timing> timings;
    std::map<std::string, long long> answers;  // "hold 201", "order 409 HOLD_NOT_ACTIVE", "confirm 0"...
    std::vector<OrderRefusal> ordersRefused;
    Histogram latency503[kEndpoints];   // per attempt, from its send to the 503
    long long unkeyedHoldsUnknown = 0;  // holds without a key whose answer was lost
};

}  // namespace boxoffice::load::chaos
