#pragma once
// Exponential backoff with jitter, shared by the relay's per-row retries and its pauses after a
// failed call. Pure: the random draw is passed in, so tests pin it.
#include <chrono>

namespace boxoffice::messaging {

/// The delay before retry number `attempt` (1 = the first retry): base * 2^(attempt-1), capped
/// at `max`, then "equal jitter": half of it fixed, half drawn from `random01` in [0, 1). The
/// fixed half keeps the delay growing; the drawn half spreads relays that failed together.
std::chrono::milliseconds backoffDelay(int attempt, std::chrono::milliseconds base, std::chrono::milliseconds max,
                                       double random01);

}  // namespace boxoffice::messaging
