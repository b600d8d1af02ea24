#pragma once
// What the waiting room tells a queued user (POST /v1/shows/{id}/queue, GET .../queue/me), and
// when that user asks again. Pure: parsing and the polling policy, unit-tested.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "harness/queue_settings.hpp"

namespace boxoffice::load {

struct QueueAnswer {
    enum class Status { Waiting, Admitted, Expired };
    Status status = Status::Waiting;
    bool preQueue = false;                          // joined before the opening: no position yet
    long long position = 0;                         // 1-based once the room has opened (0: not told)
    long long peopleAhead = 0;                      // between the user and the admission cursor
    std::optional<long long> estimatedWaitSeconds;  // absent in the pre-queue and while paused
    std::string admissionToken;                     // Admitted
    long long windowEndsAtMs = 0;                   // admitted: the service's admission time + its shopping window
};

/// nullopt for a body that is not a queue ticket (no known `status`).
std::optional<QueueAnswer> parseQueueAnswer(std::string_view body);

/// How long to wait before asking GET .../queue/me again, in microseconds: half the estimated wait
/// (so a user converges on its turn in a few polls and notices it within about pollMin), within
/// [pollMin, pollMax]; in the pre-queue, just after the opening when `untilOpenMicros` > 0 (spread
/// over pollMin), else pollMin. `jitter` in [0, 1) spreads a crowd's polls by +-10 %.
std::int64_t nextPollMicros(const QueueAnswer& a, const QueueSettings& q, std::int64_t untilOpenMicros, double jitter);

/// A 429 or 503's `Retry-After` (whole seconds; "" or garbled: pollMin), never below pollMin, plus
/// up to 20 % jitter.
std::int64_t retryAfterMicros(std::string_view retryAfter, const QueueSettings& q, double jitter);

/// Why a hold was refused 403 under a waiting room, from the problem's `detail`.
enum class AdmissionRefusal { Missing, Expired, Other };
AdmissionRefusal classifyRefusal(std::string_view problemBody);

}  // namespace boxoffice::load
