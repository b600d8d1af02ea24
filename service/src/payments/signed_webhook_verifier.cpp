#include "payments/signed_webhook_verifier.hpp"

#include "payments/stripe_event.hpp"

namespace boxoffice::payments {

Result<PaymentEvent> SignedWebhookVerifier::verify(std::string_view signatureHeader, std::string_view rawBody) const {
    // Nothing of the body is read before its signature is checked.
    if (auto ok = signature_.verify(signatureHeader, rawBody); !ok) return std::move(ok).error();
    return parseStripeEvent(provider_, rawBody);
}

}  // namespace boxoffice::payments
