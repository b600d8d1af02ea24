#pragma once
// Idempotency-Key on POSTs: a retry with the same key and body gets the first response again; the
// same key with another body is refused (422). Keys are scoped to the authenticated user.
#include <chrono>

#include "domain/booking_ports.hpp"
#include "domain/clock.hpp"
#include "http/router.hpp"

namespace boxoffice::http {

struct IdempotencySettings {
    std::chrono::milliseconds retention{24 * 3600 * 1000};  // how long a key is remembered
    std::chrono::milliseconds waitForFirst{3000};           // a concurrent retry waits this long for the first
    /// How long an unanswered claim blocks retries: past it, the first request is taken for dead
    /// (a crash, an answer that could not be stored) and a retry runs again. Longer than any
    /// request's deadlines, so a merely slow first request is rarely run twice.
    std::chrono::milliseconds lease{10000};
};

/// Wraps a User-access handler. Requests without the header pass straight through. `ids` names
/// each claim's owner.
Handler idempotent(IdempotencyStore& store, const Clock& clock, IdGenerator& ids, IdempotencySettings settings,
                   Handler inner);

}  // namespace boxoffice::http
