#pragma once
// Payments of orders: starting one at the configured provider, acting on the providers' verified
// webhooks (confirm, fail, refund, late payment), and the records admins read.
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "domain/booking_service.hpp"
#include "domain/payment_ports.hpp"

namespace boxoffice {

struct PaymentStart {
    Order order;
    Payment payment;
    std::string clientSecret;
};

/// What a webhook delivery did. `duplicate`: the event was seen before and nothing changed.
struct WebhookOutcome {
    std::string eventId;
    std::string outcome;  // "confirmed", "failed", "refunded", "late_refunded", "ignored", ...
    bool duplicate = false;
};

class PaymentService {
public:
    /// `provider` takes new payments; `verifiers` check the webhooks of each provider name that has an
    /// endpoint ("dev", "stripe"). `onOutcome` counts what each event did (metrics).
    PaymentService(BookingService& booking, OrderRepository& orders, PaymentStore& store, LateSaleStore& late,
                   PaymentProvider& provider, std::map<std::string, const WebhookVerifier*> verifiers,
                   const Clock& clock, IdGenerator& ids,
                   std::function<void(std::string_view provider, std::string_view outcome)> onOutcome = {});

    /// Creates (or finds again: the order id is the idempotency key) the payment of the user's
    /// pending order for exactly its amount and currency. NotFound for another user's order,
    /// OrderExpired / Conflict for an order that is not payable.
    Result<PaymentStart> start(const UserId& user, const OrderId& order);

    /// One webhook delivery: verified (raw body), deduplicated by event id, then acted on. NotFound
    /// for a provider without an endpoint here or an event about an unknown order; InvalidSignature,
    /// MalformedJson, ValidationFailed for bad input. Nothing is stored unless it was verified and
    /// acted on.
    Result<WebhookOutcome> receive(std::string_view provider, std::string_view signatureHeader,
                                   std::string_view rawBody);

    /// NotFound for an unknown order.
    Result<OrderPayments> paymentsOf(const OrderId& order);

    std::string_view providerName() const { return provider_.name(); }

private:
    Result<WebhookOutcome> act(const PaymentEvent& event);
    /// Money arrived for an order that can no longer be sold (expired, failed, cancelled): given back.
    Result<std::string> refundUnsellable(const Order& order, const PaymentEvent& event, OutboxMessage& message);
    OutboxMessage message(const Order& order, const std::string& eventType, const PaymentEvent& event,
                          const std::string& refundId);

    BookingService& booking_;
    OrderRepository& orders_;
    PaymentStore& store_;
    LateSaleStore& late_;
    PaymentProvider& provider_;
    std::map<std::string, const WebhookVerifier*> verifiers_;
    const Clock& clock_;
    IdGenerator& ids_;
    std::function<void(std::string_view, std::string_view)> onOutcome_;
};

}  // namespace boxoffice
