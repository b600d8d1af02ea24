#pragma once
// The built-in provider of the embedded default, the demo and the tests: no money moves. A payment
// is a reference named by its order; whoever holds the dev webhook secret succeeds or fails it with
// a signed callback to POST /v1/payments/dev/webhook (the same verifier as Stripe's webhook).
#include "domain/payment_ports.hpp"

namespace boxoffice::payments {

class DevPaymentProvider final : public PaymentProvider {
public:
    std::string_view name() const override { return "dev"; }
    /// Deterministic: the same order always gets the same reference (the idempotency of Stripe's
    /// Idempotency-Key without a store).
    Result<PaymentHandle> createPayment(const PaymentRequest& request) override;
    Result<RefundHandle> refund(const RefundRequest& request) override;
};

}  // namespace boxoffice::payments
