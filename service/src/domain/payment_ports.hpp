#pragma once
// Ports of payments: the provider that takes the money (Stripe, or the built-in dev provider),
// the check of its signed notifications, and where payment records live (SQL).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/booking.hpp"
#include "domain/booking_ports.hpp"
#include "domain/payment.hpp"
#include "domain/refund_policy.hpp"
#include "domain/result.hpp"

namespace boxoffice {

struct PaymentRequest {
    OrderId orderId;  // also the idempotency key: one payment per order, however often it is retried
    std::int64_t amountMinor = 0;
    std::string currency;  // ISO 4217 as the show has it
};

/// What the client needs to pay (Stripe: the PaymentIntent's client secret).
struct PaymentHandle {
    std::string providerPaymentId;
    std::string clientSecret;
    std::string status;  // the provider's status of the payment
};

struct RefundRequest {
    std::string providerPaymentId;
    OrderId orderId;
    std::int64_t amountMinor = 0;
    std::string currency;
    std::string idempotencyKey;  // the same key always means the same refund
    std::string reason;
};

struct RefundHandle {
    std::string providerRefundId;
    std::string status;
};

/// A payment provider. Narrow on purpose: create a payment for an order's exact amount, refund
/// some of it. Calls have deadlines and bounded retries (safe: every call carries an idempotency key).
class PaymentProvider {
public:
    virtual ~PaymentProvider() = default;
    virtual std::string_view name() const = 0;
    /// DependencyUnavailable / DependencyTimeout when the provider cannot be reached or refuses.
    virtual Result<PaymentHandle> createPayment(const PaymentRequest& request) = 0;
    virtual Result<RefundHandle> refund(const RefundRequest& request) = 0;
};

/// Verifies and parses a provider's webhook request. Verification covers the raw body bytes.
class WebhookVerifier {
public:
    virtual ~WebhookVerifier() = default;
    /// Error{InvalidSignature} for a missing, malformed, stale or wrong signature; Error{MalformedJson}
    /// or Error{ValidationFailed} for a verified body that is not an event.
    virtual Result<PaymentEvent> verify(std::string_view signatureHeader, std::string_view rawBody) const = 0;
};

/// A late payment's second chance, in SQL.
class LateSaleStore {
public:
    virtual ~LateSaleStore() = default;
    /// In one transaction moves an EXPIRED or FAILED order to CONFIRMED with `t`'s reference,
    /// tickets and outbox message, reactivating its seats: the unique index over active seats is the
    /// guard, so a seat in another live order -> Error{SeatsUnavailable} and nothing changes. An
    /// order in any other state -> Error{Conflict}.
    virtual Result<void> reinstate(const OrderTransition& t) = 0;
};

/// Payment records in SQL.
class PaymentStore {
public:
    virtual ~PaymentStore() = default;
    /// Inserts the payment, or refreshes its updatedAt when the provider's id is known already.
    virtual Result<void> savePayment(const Payment& payment) = 0;
    virtual Result<std::optional<Payment>> findPayment(const std::string& provider,
                                                       const std::string& providerPaymentId) = 0;
    /// True when the provider's event was recorded before (a replay).
    virtual Result<bool> seenEvent(const std::string& provider, const std::string& eventId) = 0;
    /// In one transaction: the event (its id is the primary key with the provider: a concurrent
    /// duplicate records nothing and returns false), and when given the payment's new status and
    /// refunded total and a message for the outbox. Returns true when this call recorded the event.
    virtual Result<bool> recordEvent(const PaymentEventRecord& event, const std::optional<Payment>& payment,
                                     const std::optional<OutboxMessage>& message) = 0;
    /// Inserts a refund (a known provider refund id is left as it is).
    virtual Result<void> saveRefund(const Refund& refund) = 0;
    /// The refund asked for under `requestKey`, if any.
    virtual Result<std::optional<Refund>> findRefund(const std::string& provider, const std::string& requestKey) = 0;
    /// In one transaction: `refund` (status "pending", under its requestKey) is written, each of
    /// `seats` leaves the CONFIRMED order (its seat row inactive, so it can be sold again; its ticket
    /// voided), the payment `refund.providerPaymentId` (when recorded) has `refund.amountMinor` more
    /// refunded, and `message` goes to the outbox. A seat that is not on a valid ticket of the order
    /// (refunded meanwhile), or an order that is not CONFIRMED -> Error{Conflict}, nothing changes.
    virtual Result<void> reserveRefund(const Refund& refund, const std::vector<SeatId>& seats,
                                       const OutboxMessage& message) = 0;
    /// The provider refunded the reserved refund: its id and status replace the placeholders.
    virtual Result<void> completeRefund(const std::string& provider, const std::string& requestKey,
                                        const std::string& providerRefundId, const std::string& status) = 0;
    /// The provider's refunds reserved before `reservedBefore` whose provider call never succeeded
    /// (still "pending" with the reservation's placeholder id), oldest first, at most `limit`.
    virtual Result<std::vector<Refund>> pendingRefunds(const std::string& provider, EpochMs reservedBefore,
                                                       int limit) = 0;
    virtual Result<OrderPayments> ofOrder(const OrderId& order) = 0;
};

/// The shows' refund policies, set by admins; a show without one has the configured default.
class RefundPolicyStore {
public:
    virtual ~RefundPolicyStore() = default;
    virtual Result<std::optional<RefundPolicy>> find(const ShowId& show) = 0;
    /// NotFound for an unknown show.
    virtual Result<void> save(const ShowId& show, const RefundPolicy& policy, const std::string& by, EpochMs at) = 0;
};

}  // namespace boxoffice
