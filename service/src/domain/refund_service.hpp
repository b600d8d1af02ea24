#pragma once
// Refunds that a buyer (by the show's refund policy) or an admin (any amount up to what was paid)
// asks for: POST /v1/orders/{id}/refund. Some or all of a confirmed order's tickets are voided,
// their seats go back on sale, and the provider gives the money back - reserved in SQL first
// (PaymentStore::reserveRefund), then refunded at the provider under the same key, so a retry, a
// concurrent duplicate or a crash in between ends in exactly one refund.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/catalog_service.hpp"
#include "domain/inventory.hpp"
#include "domain/payment_ports.hpp"
#include "domain/refund_policy.hpp"

namespace boxoffice {

struct RefundAsk {
    std::optional<std::vector<SeatId>> seatIds;  // none: every seat still on a valid ticket
    std::optional<std::int64_t> amountMinor;     // admins only; none: the seats' full price
};

struct RefundDone {
    Order order;  // after the refund (REFUNDED when no valid ticket is left)
    Refund refund;
    std::vector<SeatId> seatIds;
    int percent = 0;  // of the seats' price, by the policy (100 for an admin's full refund)
};

/// Who asks: the order's owner, or an admin.
struct RefundCaller {
    UserId user;
    bool admin = false;
};

/// What one run of RefundService::completePending did.
struct PendingRefundsRun {
    int completed = 0;  // the provider refunded, the row has its id
    int failed = 0;     // the provider (or SQL) refused again: left pending for the next run
};

class RefundService {
public:
    /// `defaults` applies to shows without a policy of their own. `onOutcome` counts refunds by
    /// provider ("refunded" / "partially_refunded").
    RefundService(OrderRepository& orders, PaymentStore& payments, PaymentProvider& provider,
                  RefundPolicyStore& policies, RefundPolicy defaults, CatalogService& catalog, HoldStore& holds,
                  const Clock& clock, IdGenerator& ids,
                  std::function<void(std::string_view provider, std::string_view outcome)> onOutcome = {});

    /// NotFound for an unknown order or another user's (unless admin); Conflict for an order that is
    /// not CONFIRMED or a seat not on a valid ticket of it; RefundNotAllowed when the policy gives
    /// nothing back now; ValidationFailed for a bad amount or seat list; Forbidden for an amount
    /// asked by a non-admin. The provider's errors (DependencyUnavailable...) leave the refund
    /// reserved: the same request again completes it.
    Result<RefundDone> refund(const RefundCaller& caller, const OrderId& id, const RefundAsk& ask);

    /// Completes, oldest first and at most `limit`, the refunds reserved before `reservedBefore`
    /// whose provider call never succeeded (it failed, or the process died in between, and nobody
    /// asked again): the provider is asked again under the refund's own key, so a refund that did
    /// go through is answered, not repeated. Stops at the first failure (the provider is likely
    /// down; the next run tries again). The refund retrier (app/refund_retrier.hpp) runs it.
    Result<PendingRefundsRun> completePending(EpochMs reservedBefore, int limit);

    /// The show's policy (its own, or the default). NotFound for an unknown show.
    Result<RefundPolicy> policyOf(const ShowId& show);
    /// Admin: sets the show's policy.
    Result<RefundPolicy> setPolicy(const ShowId& show, std::vector<RefundTier> tiers, const UserId& by);

private:
    /// The show's own policy or the default, for a show known to exist.
    Result<RefundPolicy> policyFor(const ShowId& show);
    Result<std::vector<SeatId>> seatsToRefund(const Order& order, const RefundAsk& ask) const;
    /// The payment the money goes back to: the order's succeeded one (a dev-provider order confirmed
    /// by confirm-payment has none recorded: its payment reference stands for it).
    Result<Payment> paymentOf(const Order& order);
    Result<RefundDone> finish(const Order& order, Refund refund, std::vector<SeatId> seats, int percent);
    /// A pending refund to the provider (none for a zero amount), then its answer into SQL.
    Result<void> complete(Refund& refund);
    OutboxMessage message(const Order& order, const Refund& refund, const std::vector<SeatId>& seats, bool whole) const;

    OrderRepository& orders_;
    PaymentStore& payments_;
    PaymentProvider& provider_;
    RefundPolicyStore& policies_;
    RefundPolicy defaults_;
    CatalogService& catalog_;
    HoldStore& holds_;
    const Clock& clock_;
    IdGenerator& ids_;
    std::function<void(std::string_view, std::string_view)> onOutcome_;
};

}  // namespace boxoffice
