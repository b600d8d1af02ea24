#include "domain/payment_service.hpp"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

namespace boxoffice {
namespace {

std::string lowerStatus(OrderStatus s) {
    std::string out(orderStatusName(s));
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

}  // namespace

PaymentService::PaymentService(BookingService& booking, OrderRepository& orders, PaymentStore& store,
                               LateSaleStore& late, PaymentProvider& provider,
                               std::map<std::string, const WebhookVerifier*> verifiers, const Clock& clock,
                               IdGenerator& ids, std::function<void(std::string_view, std::string_view)> onOutcome)
    : booking_(booking),
      orders_(orders),
      store_(store),
      late_(late),
      provider_(provider),
      verifiers_(std::move(verifiers)),
      clock_(clock),
      ids_(ids),
      onOutcome_(std::move(onOutcome)) {}

Result<PaymentStart> PaymentService::start(const UserId& user, const OrderId& id) {
    auto o = booking_.order(user, id);  // expires a pending order past its window on the way
    if (!o) return std::move(o).error();
    if (o->status == OrderStatus::Expired)
        return Error::of(ErrorCode::OrderExpired,
                         "the payment window of this order has closed; its seats were released");
    if (o->status != OrderStatus::PaymentPending) return orderIs(o->status);
    // Exactly the order's amount and currency, priced by the service when the order was made.
    auto handle = provider_.createPayment({o->id, o->amountMinor, o->currency});
    if (!handle) return std::move(handle).error();
    const EpochMs now = clock_.nowMs();
    Payment p{std::string(provider_.name()),
              handle->providerPaymentId,
              o->id,
              o->amountMinor,
              o->currency,
              PaymentStatus::Pending,
              0,
              now,
              now};
    if (auto saved = store_.savePayment(p); !saved) return std::move(saved).error();
    return PaymentStart{std::move(*o), std::move(p), handle->clientSecret};
}

Result<WebhookOutcome> PaymentService::receive(std::string_view provider, std::string_view signatureHeader,
                                               std::string_view rawBody) {
    auto v = verifiers_.find(std::string(provider));
    if (v == verifiers_.end() || !v->second) return Error::notFound("payment provider");
    auto event = v->second->verify(signatureHeader, rawBody);
    if (!event) return std::move(event).error();
    auto outcome = act(*event);
    if (outcome && onOutcome_) onOutcome_(provider, outcome->outcome);
    return outcome;
}

Result<WebhookOutcome> PaymentService::act(const PaymentEvent& e) {
    auto seen = store_.seenEvent(e.provider, e.eventId);
    if (!seen) return std::move(seen).error();
    if (*seen) return WebhookOutcome{e.eventId, "duplicate", true};
    const EpochMs now = clock_.nowMs();
    PaymentEventRecord record{e.provider, e.eventId, e.type, e.providerPaymentId, e.orderId, "ignored", now};
    if (e.kind == PaymentEvent::Kind::Ignored) {
        auto recorded = store_.recordEvent(record, std::nullopt, std::nullopt);
        if (!recorded) return std::move(recorded).error();
        return WebhookOutcome{e.eventId, *recorded ? "ignored" : "duplicate", !*recorded};
    }

    auto known = store_.findPayment(e.provider, e.providerPaymentId);
    if (!known) return std::move(known).error();
    if (*known && e.orderId && *e.orderId != (*known)->orderId)
        return Error::validation("data.object.metadata.order_id", "does not match the order of this payment");
    const std::optional<OrderId> orderId = *known ? std::optional<OrderId>((*known)->orderId) : e.orderId;
    if (!orderId) return Error::notFound("order of this payment");
    auto order = orders_.find(*orderId);
    if (!order) return std::move(order).error();  // NotFound: nothing is recorded
    record.orderId = order->id;
    Payment payment = *known ? **known : Payment{e.provider,
                                                 e.providerPaymentId,
                                                 order->id,
                                                 order->amountMinor,
                                                 order->currency,
                                                 PaymentStatus::Pending,
                                                 0,
                                                 now,
                                                 now};
    payment.updatedAt = now;
    std::optional<OutboxMessage> message;

    if (e.kind != PaymentEvent::Kind::Refunded &&
        (e.amountMinor != order->amountMinor || e.currency != order->currency))
        return Error::validation("data.object.amount", "does not match the order's amount and currency");

    switch (e.kind) {
        case PaymentEvent::Kind::Succeeded: {
            payment.status = PaymentStatus::Succeeded;
            // Confirmed before (and perhaps refunded since, by request): the money was dealt with.
            if (order->status == OrderStatus::Confirmed || order->status == OrderStatus::Refunded) {
                record.outcome = "already_confirmed";
                break;
            }
            if (order->status == OrderStatus::PaymentPending) {
                auto confirmed = booking_.confirmPaid(order->id, e.providerPaymentId);
                if (confirmed && confirmed->status == OrderStatus::Confirmed) {
                    record.outcome = "confirmed";
                    break;
                }
                if (!confirmed && confirmed.error().code != ErrorCode::OrderExpired &&
                    confirmed.error().code != ErrorCode::Conflict)
                    return std::move(confirmed).error();
                order = orders_.find(order->id);  // expired (or moved) meanwhile: see what it is now
                if (!order) return std::move(order).error();
                if (order->status == OrderStatus::Confirmed) {
                    record.outcome = "already_confirmed";
                    break;
                }
            }
            // Paid after the order lost its seats: the same seats if they are all still free...
            if (order->status == OrderStatus::Expired || order->status == OrderStatus::Failed) {
                auto reseated = booking_.reseatLate(order->id, e.providerPaymentId, late_);
                if (reseated) {
                    record.outcome = "late_reseated";
                    break;
                }
                if (reseated.error().code != ErrorCode::SeatsUnavailable) return std::move(reseated).error();
            }
            // ...otherwise the money goes back: never money kept without a ticket.
            OutboxMessage m;
            auto refunded = refundUnsellable(*order, e, m);
            if (!refunded) return std::move(refunded).error();
            record.outcome = *refunded;
            payment.refundedMinor = std::max(payment.refundedMinor, e.amountMinor);
            message = std::move(m);
            break;
        }
        case PaymentEvent::Kind::Failed: {
            if (payment.status == PaymentStatus::Succeeded) {
                record.outcome = "ignored_after_success";  // a late retry's failure after the payment succeeded
                break;
            }
            payment.status = PaymentStatus::Failed;
            if (order->status != OrderStatus::PaymentPending) {
                record.outcome = "order_" + lowerStatus(order->status);
                break;
            }
            auto failed = booking_.failPayment(order->id);
            if (!failed && failed.error().code != ErrorCode::Conflict) return std::move(failed).error();
            record.outcome = failed ? "failed" : "order_not_pending";
            break;
        }
        case PaymentEvent::Kind::Refunded: {
            if (e.currency != payment.currency || e.amountMinor > payment.amountMinor)
                return Error::validation("data.object.amount_refunded",
                                         "is more than was paid, or in another currency");
            const std::int64_t before = payment.refundedMinor;
            payment.refundedMinor = std::max(payment.refundedMinor, e.amountMinor);
            if (!e.providerRefundId.empty() && payment.refundedMinor > before) {
                Refund refund{e.provider,
                              e.providerRefundId,
                              e.providerPaymentId,
                              order->id,
                              payment.refundedMinor - before,
                              payment.currency,
                              "provider",
                              "succeeded",
                              now,
                              {}};
                if (auto saved = store_.saveRefund(refund); !saved) return std::move(saved).error();
            }
            record.outcome = payment.refundedMinor >= payment.amountMinor ? "refunded" : "partially_refunded";
            break;
        }
        case PaymentEvent::Kind::Ignored:
            break;
    }
    auto recorded = store_.recordEvent(record, payment, message);
    if (!recorded) return std::move(recorded).error();
    // A concurrent delivery of the same event recorded it first; what it did is idempotent.
    if (!*recorded) return WebhookOutcome{e.eventId, "duplicate", true};
    return WebhookOutcome{e.eventId, record.outcome, false};
}

Result<std::string> PaymentService::refundUnsellable(const Order& order, const PaymentEvent& e, OutboxMessage& out) {
    // Keyed by the payment: a redelivered event (its first handling died after the refund) gets the
    // same refund back from the provider, never a second one.
    RefundRequest request{
        e.providerPaymentId, order.id, e.amountMinor, order.currency, "late-payment-" + e.providerPaymentId,
        "late_payment"};
    auto refund = provider_.refund(request);
    if (!refund) return std::move(refund).error();
    Refund r{e.provider,     refund->providerRefundId, e.providerPaymentId, order.id,       e.amountMinor,
             order.currency, "late_payment",           refund->status,      clock_.nowMs(), {}};
    if (auto saved = store_.saveRefund(r); !saved) return std::move(saved).error();
    out = message(order, "order.late_payment_refunded", e, refund->providerRefundId);
    return std::string("late_refunded");
}

OutboxMessage PaymentService::message(const Order& o, const std::string& eventType, const PaymentEvent& e,
                                      const std::string& refundId) {
    nlohmann::json payload = {{"orderId", o.id.str()},    {"showId", o.showId.str()},
                              {"userId", o.userId.str()}, {"status", orderStatusName(o.status)},
                              {"provider", e.provider},   {"paymentId", e.providerPaymentId},
                              {"amount", e.amountMinor},  {"currency", o.currency}};
    if (!refundId.empty()) payload["refundId"] = refundId;
    nlohmann::json headers = nlohmann::json::object();
    if (!o.traceContext.empty()) headers["traceparent"] = o.traceContext;
    return {ids_.next(),
            "order",
            o.id.str(),
            eventType,
            payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
            headers.dump(),
            clock_.nowMs()};
}

Result<OrderPayments> PaymentService::paymentsOf(const OrderId& id) {
    auto o = orders_.find(id);
    if (!o) return std::move(o).error();
    return store_.ofOrder(id);
}

}  // namespace boxoffice
