#pragma once
// POST /v1/orders/{id}/payment, POST /v1/payments/{dev,stripe}/webhook, GET /v1/orders/{id}/payments.
#include "domain/payment_service.hpp"
#include "http/idempotency.hpp"
#include "http/router.hpp"

namespace boxoffice::http {

/// The webhooks are public (no JWT): each is verified by its provider's signature instead.
/// `orderKeys` keeps the Idempotency-Keys of POST /payment, with those of orders.
void registerPaymentRoutes(Router& router, PaymentService& payments, IdempotencyStore& orderKeys, const Clock& clock,
                           IdGenerator& ids, const IdempotencySettings& settings);

}  // namespace boxoffice::http
