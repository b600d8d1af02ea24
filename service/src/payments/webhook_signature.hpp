#pragma once
// Stripe's webhook signature scheme, used for Stripe's webhooks and for the dev provider's own
// callbacks: `t=<unix seconds>,v1=<hex>[,v1=<hex>...]`, each v1 an HMAC-SHA256 under one of our
// secrets of "<t>.<raw body>". Several secrets are accepted at once (rotation), and several v1
// values in one header (Stripe sends one per active secret while a secret is being rolled).
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "domain/clock.hpp"
#include "domain/result.hpp"

namespace boxoffice::payments {

class WebhookSignature {
public:
    /// `secrets` must not be empty and no secret may be empty (checked by the config). `tolerance`:
    /// the largest distance between `t` and the clock, either way (a replayed old request is refused).
    WebhookSignature(std::vector<std::string> secrets, const Clock& clock,
                     std::chrono::seconds tolerance = std::chrono::seconds(300));

    /// Ok when some v1 of `header` is the HMAC of "<t>.<rawBody>" under some secret and `t` is within
    /// the tolerance; otherwise Error{InvalidSignature} saying which check failed (never what was
    /// expected). Comparison is in constant time per candidate (CRYPTO_memcmp).
    Result<void> verify(std::string_view header, std::string_view rawBody) const;

    /// The header a sender writes (the dev provider's callback, tests): v1 under the first secret.
    std::string sign(std::string_view rawBody, long long unixSeconds) const;

private:
    std::vector<std::string> secrets_;
    const Clock& clock_;
    std::chrono::seconds tolerance_;
};

}  // namespace boxoffice::payments
