#include "http/booking_dto.hpp"
#include "http/handlers/payment_routes.hpp"
#include "http/handlers/routes.hpp"
#include "util/rfc3339.hpp"

namespace boxoffice::http {
namespace {

Json toJson(const Payment& p) {
    return {{"provider", p.provider},
            {"paymentId", p.providerPaymentId},
            {"orderId", p.orderId.str()},
            {"amount", p.amountMinor},
            {"currency", p.currency},
            {"status", paymentStatusName(p.status)},
            {"refundedAmount", p.refundedMinor},
            {"createdAt", formatRfc3339(p.createdAt)},
            {"updatedAt", formatRfc3339(p.updatedAt)}};
}

Json toJson(const PaymentEventRecord& e) {
    return {{"provider", e.provider},           {"eventId", e.eventId}, {"type", e.type},
            {"paymentId", e.providerPaymentId}, {"outcome", e.outcome}, {"receivedAt", formatRfc3339(e.receivedAt)}};
}

Json toJson(const Refund& r) {
    return {{"provider", r.provider},
            {"refundId", r.providerRefundId},
            {"paymentId", r.providerPaymentId},
            {"amount", r.amountMinor},
            {"currency", r.currency},
            {"reason", r.reason},
            {"status", r.status},
            {"createdAt", formatRfc3339(r.createdAt)}};
}

Handler webhook(PaymentService& payments, std::string provider, std::string signatureHeader) {
    return [&payments, provider = std::move(provider),
            signatureHeader = std::move(signatureHeader)](const Request& req) -> Result<Response> {
        // The raw body as it arrived: the signature covers these bytes, not a re-serialisation.
        auto outcome = payments.receive(provider, req.header(signatureHeader).value_or(""), req.body);
        if (!outcome) return std::move(outcome).error();
        return jsonResponse(200, {{"received", true},
                                  {"eventId", outcome->eventId},
                                  {"outcome", outcome->outcome},
                                  {"duplicate", outcome->duplicate}});
    };
}

}  // namespace

void registerPaymentRoutes(Router& router, PaymentService& payments, IdempotencyStore& orderKeys, const Clock& clock,
                           IdGenerator& ids, const IdempotencySettings& settings) {
    router.add(Method::Post, "/v1/orders/{id}/payment", Access::User,
               idempotent(orderKeys, clock, ids, settings, [&payments](const Request& req) -> Result<Response> {
                   auto started = payments.start(UserId{req.principal->userId}, OrderId{req.param("id")});
                   if (!started) return std::move(started).error();
                   Json body = toJson(started->payment);
                   body["clientSecret"] = started->clientSecret;
                   body["orderStatus"] = orderStatusName(started->order.status);
                   body["expiresAt"] = formatRfc3339(started->order.expiresAt);
                   return jsonResponse(201, body);
               }));
    router.add(Method::Post, "/v1/payments/stripe/webhook", Access::Public,
               webhook(payments, "stripe", "stripe-signature"));
    router.add(Method::Post, "/v1/payments/dev/webhook", Access::Public,
               webhook(payments, "dev", "boxoffice-signature"));
    router.add(
        Method::Get, "/v1/orders/{id}/payments", Access::Admin, [&payments](const Request& req) -> Result<Response> {
            auto records = payments.paymentsOf(OrderId{req.param("id")});
            if (!records) return std::move(records).error();
            Json p = Json::array(), e = Json::array(), r = Json::array();
            for (const auto& x : records->payments) p.push_back(toJson(x));
            for (const auto& x : records->events) e.push_back(toJson(x));
            for (const auto& x : records->refunds) r.push_back(toJson(x));
            return jsonResponse(200, {{"orderId", req.param("id")}, {"payments", p}, {"events", e}, {"refunds", r}});
        });
}

}  // namespace boxoffice::http
