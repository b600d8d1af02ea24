#pragma once
// Stripe's event objects (https://docs.stripe.com/api/events/object), as far as the service acts
// on them. The dev provider's callbacks use the same shape, so one parser serves both.
#include <string_view>

#include "domain/payment.hpp"
#include "domain/result.hpp"

namespace boxoffice::payments {

/// Parses a verified event body. payment_intent.succeeded / .payment_failed and charge.refunded
/// become Succeeded / Failed / Refunded; any other type is Ignored (Stripe sends what the endpoint
/// subscribed to, and a new type must not make it retry). Error{MalformedJson} for a body that is
/// not JSON, Error{ValidationFailed} for one that lacks what its type needs.
Result<PaymentEvent> parseStripeEvent(std::string_view provider, std::string_view body);

}  // namespace boxoffice::payments
