#pragma once
// Open-loop timing math: when each virtual user is planned to arrive, relative to the opening of
// the sale. Requests are sent at (or as soon as possible after) their planned time and latency is
// measured from it, so a stalled server cannot hide its stall (wrk2's coordinated-omission rule).

#include <cstdint>

#include "harness/scenario.hpp"

namespace boxoffice::load {

/// Planned arrival of user `i` of `n` (0-based), in microseconds after the opening.
///   Instant: spread evenly over the opening window (i * window / n).
///   Ramp:    the arrival rate grows linearly from 0, so arrivals(t) = n * (t / ramp)^2 and
///            user i arrives at ramp * sqrt(i / n).
///   Rate:    i / rate seconds.
///   Closed:  0 (closed-loop users start when an earlier one finishes, not on a timetable).
std::int64_t plannedArrivalMicros(const Scenario& s, long long i, long long n);

/// Latency from the planned start to completion, never negative (a response cannot precede its plan).
inline std::int64_t latencyMicros(std::int64_t plannedMicros, std::int64_t doneMicros) {
    return doneMicros > plannedMicros ? doneMicros - plannedMicros : 0;
}

/// The one-second slot of the timeline a moment (micros after the opening) falls into; moments
/// before the opening (set-up) are slot 0.
inline int secondSlot(std::int64_t micros) {
    return micros <= 0 ? 0 : static_cast<int>(micros / 1'000'000);
}

}  // namespace boxoffice::load
