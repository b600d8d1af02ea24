#pragma once
// POST /v1/orders/{id}/refund, GET and PUT /v1/shows/{id}/refund-policy.
#include "domain/refund_service.hpp"
#include "http/idempotency.hpp"
#include "http/router.hpp"

namespace boxoffice::http {

/// `orderKeys` keeps the Idempotency-Keys of refunds, with those of orders and payments.
void registerRefundRoutes(Router& router, RefundService& refunds, IdempotencyStore& orderKeys, const Clock& clock,
                          IdGenerator& ids, const IdempotencySettings& settings);

}  // namespace boxoffice::http
