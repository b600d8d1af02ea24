#pragma once
// Payments of orders: what a provider was asked for, what it told us (webhook events) and what
// was given back (refunds). Provider ids and amounts only: never card data.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/clock.hpp"
#include "domain/ids.hpp"

namespace boxoffice {

enum class PaymentStatus { Pending, Succeeded, Failed };
std::string_view paymentStatusName(PaymentStatus s);
std::optional<PaymentStatus> parsePaymentStatus(std::string_view s);

/// One payment attempt of an order at a provider (a Stripe PaymentIntent, a dev payment).
struct Payment {
    std::string provider;           // "dev" or "stripe"
    std::string providerPaymentId;  // pi_..., unique per provider
    OrderId orderId;
    std::int64_t amountMinor = 0;
    std::string currency;  // ISO 4217, upper-case as the show has it
    PaymentStatus status = PaymentStatus::Pending;
    std::int64_t refundedMinor = 0;  // the sum the provider reports as refunded
    EpochMs createdAt = 0;
    EpochMs updatedAt = 0;
};

/// A provider's notification, verified and parsed. Only what the service acts on is kept.
struct PaymentEvent {
    enum class Kind { Succeeded, Failed, Refunded, Ignored };
    std::string provider;
    std::string eventId;  // the dedup key, with the provider
    std::string type;     // the provider's name for it ("payment_intent.succeeded")
    Kind kind = Kind::Ignored;
    std::string providerPaymentId;
    std::optional<OrderId> orderId;  // from the payment's metadata when it carries it
    std::int64_t amountMinor = 0;    // Succeeded/Failed: the payment's amount; Refunded: the total refunded
    std::string currency;            // upper-case
    std::string providerRefundId;    // Refunded: the latest refund's id when the event names it
};

/// What was done with an event, stored beside it (payment_events.outcome).
struct PaymentEventRecord {
    std::string provider;
    std::string eventId;
    std::string type;
    std::string providerPaymentId;
    std::optional<OrderId> orderId;
    std::string outcome;  // "confirmed", "failed", "late_refunded", "ignored", ...
    EpochMs receivedAt = 0;
};

struct Refund {
    std::string provider;
    std::string providerRefundId;
    std::string providerPaymentId;
    OrderId orderId;
    std::int64_t amountMinor = 0;
    std::string currency;
    std::string reason;  // "late_payment", "requested_by_customer", "admin", "provider"
    std::string status;  // the provider's ("succeeded", "pending", ...); "pending" too while reserved
    EpochMs createdAt = 0;
    // A refund the service asked for (POST /v1/orders/{id}/refund): the request's key, also the
    // provider's idempotency key. Until the provider answered, providerRefundId is "pending:" + key.
    std::string requestKey;
};

/// Everything stored about an order's money, for admins.
struct OrderPayments {
    std::vector<Payment> payments;
    std::vector<PaymentEventRecord> events;
    std::vector<Refund> refunds;
};

}  // namespace boxoffice
