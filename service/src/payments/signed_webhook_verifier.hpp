#pragma once
// A provider's webhook check: the Stripe signature scheme over the raw body, then Stripe's event
// shape. Stripe's endpoint and the dev provider's each have one, with their own secrets.
#include <string>

#include "domain/payment_ports.hpp"
#include "payments/webhook_signature.hpp"

namespace boxoffice::payments {

class SignedWebhookVerifier final : public WebhookVerifier {
public:
    SignedWebhookVerifier(std::string provider, WebhookSignature signature)
        : provider_(std::move(provider)), signature_(std::move(signature)) {}

    Result<PaymentEvent> verify(std::string_view signatureHeader, std::string_view rawBody) const override;
    const WebhookSignature& signature() const { return signature_; }

private:
    std::string provider_;
    WebhookSignature signature_;
};

}  // namespace boxoffice::payments
