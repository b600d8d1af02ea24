#include "domain/refund_service.hpp"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "util/log.hpp"
#include "util/sha256.hpp"

namespace boxoffice {
namespace {

// One key per order and set of seats: the same refund asked twice (a retry, a double click, two
// devices) is the same refund, here and at the provider.
std::string requestKeyOf(const OrderId& order, std::vector<SeatId> seats) {
    std::sort(seats.begin(), seats.end());
    std::string text = order.str();
    for (const auto& s : seats) text += "|" + s.str();
    return "rf_" + util::sha256Hex(text).substr(0, 32);
}

// What the order paid for `seats`.
std::int64_t priceOf(const Order& o, const std::vector<SeatId>& seats) {
    std::int64_t price = 0;
    for (const auto& s : o.seats)
        if (std::find(seats.begin(), seats.end(), s.seatId) != seats.end()) price += s.priceMinor;
    return price;
}

}  // namespace

RefundService::RefundService(OrderRepository& orders, PaymentStore& payments, PaymentProvider& provider,
                             RefundPolicyStore& policies, RefundPolicy defaults, CatalogService& catalog,
                             HoldStore& holds, const Clock& clock, IdGenerator& ids,
                             std::function<void(std::string_view, std::string_view)> onOutcome)
    : orders_(orders),
      payments_(payments),
      provider_(provider),
      policies_(policies),
      defaults_(std::move(defaults)),
      catalog_(catalog),
      holds_(holds),
      clock_(clock),
      ids_(ids),
      onOutcome_(std::move(onOutcome)) {}

Result<RefundPolicy> RefundService::policyOf(const ShowId& show) {
    auto s = catalog_.show(show);
    if (!s) return std::move(s).error();
    return policyFor(show);
}

Result<RefundPolicy> RefundService::policyFor(const ShowId& show) {
    auto own = policies_.find(show);
    if (!own) return std::move(own).error();
    return *own ? std::move(**own) : defaults_;
}

Result<RefundPolicy> RefundService::setPolicy(const ShowId& show, std::vector<RefundTier> tiers, const UserId& by) {
    if (auto s = catalog_.show(show); !s) return std::move(s).error();  // 404 before 422, as for every show route
    auto policy = makeRefundPolicy(std::move(tiers));
    if (!policy) return policy;
    if (auto saved = policies_.save(show, *policy, by.str(), clock_.nowMs()); !saved) return std::move(saved).error();
    return policy;
}

Result<std::vector<SeatId>> RefundService::seatsToRefund(const Order& o, const RefundAsk& ask) const {
    std::set<SeatId> valid;
    for (const auto& t : o.tickets) valid.insert(t.seatId);
    if (!ask.seatIds) {
        if (valid.empty()) return orderIs(o.status);
        return std::vector<SeatId>(valid.begin(), valid.end());
    }
    if (ask.seatIds->empty()) return Error::validation("seatIds", "must name at least one seat (or be left out: all)");
    std::vector<FieldError> errs;
    std::set<SeatId> seen;
    for (std::size_t i = 0; i < ask.seatIds->size(); ++i) {
        const SeatId& s = (*ask.seatIds)[i];
        const std::string field = "seatIds[" + std::to_string(i) + "]";
        if (!seen.insert(s).second) errs.push_back({field, "seat '" + s.str() + "' is listed twice"});
        const bool inOrder =
            std::any_of(o.seats.begin(), o.seats.end(), [&](const OrderSeat& x) { return x.seatId == s; });
        if (!inOrder) errs.push_back({field, "seat '" + s.str() + "' is not in this order"});
    }
    if (!errs.empty()) return Error::validation(std::move(errs));
    for (const auto& s : *ask.seatIds)
        if (!valid.count(s)) return Error::of(ErrorCode::Conflict, "seat " + s.str() + " was refunded already");
    return *ask.seatIds;
}

Result<Payment> RefundService::paymentOf(const Order& o) {
    auto records = payments_.ofOrder(o.id);
    if (!records) return std::move(records).error();
    std::optional<Payment> paid;
    for (const auto& p : records->payments)
        if (p.status == PaymentStatus::Succeeded) paid = p;
    if (!paid) {
        if (!o.paymentReference) return Error::of(ErrorCode::Conflict, "this order has no payment to refund");
        paid = Payment{std::string(provider_.name()),
                       *o.paymentReference,
                       o.id,
                       o.amountMinor,
                       o.currency,
                       PaymentStatus::Succeeded,
                       0,
                       o.createdAt,
                       o.updatedAt};
    }
    std::int64_t refunded = 0;
    for (const auto& r : records->refunds)
        if (r.providerPaymentId == paid->providerPaymentId) refunded += r.amountMinor;
    paid->refundedMinor = std::max(paid->refundedMinor, refunded);
    return *paid;
}

Result<RefundDone> RefundService::refund(const RefundCaller& caller, const OrderId& id, const RefundAsk& ask) {
    auto o = orders_.find(id);
    if (!o) return std::move(o).error();
    if (!caller.admin && o->userId != caller.user) return Error::notFound("order");
    if (ask.amountMinor && !caller.admin) return Error::of(ErrorCode::Forbidden, "only an admin may set the amount");
    const std::string provider(provider_.name());
    // The same seats asked again: the refund that was made (or reserved) for them, completed.
    if (ask.seatIds && !ask.seatIds->empty()) {
        auto known = payments_.findRefund(provider, requestKeyOf(o->id, *ask.seatIds));
        if (!known) return std::move(known).error();
        if (*known) return finish(*o, std::move(**known), *ask.seatIds, -1);
    }
    if (o->status != OrderStatus::Confirmed) return orderIs(o->status);
    auto seats = seatsToRefund(*o, ask);
    if (!seats) return std::move(seats).error();

    const std::int64_t price = priceOf(*o, *seats);
    const EpochMs now = clock_.nowMs();
    int percent = 100;
    if (!caller.admin) {
        auto show = catalog_.show(o->showId);
        if (!show) return std::move(show).error();
        auto policy = policyFor(o->showId);  // the show was just read
        if (!policy) return std::move(policy).error();
        percent = policy->percentAt(now, show->startsAt);
        if (percent == 0)
            return Error::of(ErrorCode::RefundNotAllowed, now >= show->startsAt
                                                              ? "the show has started: its tickets are not refunded"
                                                              : "the show's refund policy gives nothing back now");
    }
    const std::int64_t amount = ask.amountMinor ? *ask.amountMinor : refundShare(price, percent);
    if (amount < 0) return Error::validation("amount", "must not be negative");
    const std::string key = requestKeyOf(o->id, *seats);
    // Refused because a concurrent request for the same seats got there first: complete that one.
    auto orTheConcurrentOne = [&](Error refused) -> Result<RefundDone> {
        auto known = payments_.findRefund(provider, key);
        if (!known) return std::move(known).error();
        if (!*known) return refused;
        return finish(*o, std::move(**known), *seats, percent);
    };
    auto payment = paymentOf(*o);
    if (!payment) return std::move(payment).error();
    const std::int64_t left = payment->amountMinor - payment->refundedMinor;
    if (amount > left)
        return orTheConcurrentOne(Error::validation(
            "amount", "is more than is left to refund of this order (" + std::to_string(left) + " in minor units)"));

    Refund r{provider,
             "pending:" + key,
             payment->providerPaymentId,
             o->id,
             amount,
             o->currency,
             caller.admin ? "admin" : "requested_by_customer",
             "pending",
             now,
             key};
    const bool whole = seats->size() == o->tickets.size();
    auto reserved = payments_.reserveRefund(r, *seats, message(*o, r, *seats, whole));
    if (!reserved) {
        if (reserved.error().code != ErrorCode::Conflict) return std::move(reserved).error();
        return orTheConcurrentOne(std::move(reserved).error());
    }
    return finish(*o, std::move(r), std::move(*seats), percent);
}

Result<RefundDone> RefundService::finish(const Order& o, Refund r, std::vector<SeatId> seats, int percent) {
    // SQL has let the seats go; the hold store follows (a failure leaves them looking sold until the
    // store is restored from SQL: never sold twice, at worst late on sale).
    if (auto freed = holds_.releaseOrder(o.showId, o.id, o.userId, seats, clock_.nowMs()); !freed)
        log::warn("refund of order " + o.id.str() + ": the hold store did not free its seats: " + freed.error().detail);
    // Reserved: when the provider fails, the same request again (or the refund retrier) completes it.
    if (r.status == "pending")
        if (auto done = complete(r); !done) return std::move(done).error();
    auto after = orders_.find(o.id);
    if (!after) return std::move(after).error();
    if (onOutcome_) onOutcome_(r.provider, after->status == OrderStatus::Refunded ? "refunded" : "partially_refunded");
    if (percent < 0) {
        const std::int64_t price = priceOf(o, seats);
        percent = price == 0 ? 100 : static_cast<int>(r.amountMinor * 100 / price);
    }
    return RefundDone{std::move(*after), std::move(r), std::move(seats), percent};
}

Result<void> RefundService::complete(Refund& r) {
    if (r.amountMinor == 0) {
        r.providerRefundId = "none:" + r.requestKey;  // an admin's void without money
        r.status = "succeeded";
    } else {
        auto done =
            provider_.refund({r.providerPaymentId, r.orderId, r.amountMinor, r.currency, r.requestKey, r.reason});
        if (!done) return std::move(done).error();
        r.providerRefundId = done->providerRefundId;
        r.status = done->status;
    }
    return payments_.completeRefund(r.provider, r.requestKey, r.providerRefundId, r.status);
}

Result<PendingRefundsRun> RefundService::completePending(EpochMs reservedBefore, int limit) {
    auto pending = payments_.pendingRefunds(std::string(provider_.name()), reservedBefore, limit);
    if (!pending) return std::move(pending).error();
    PendingRefundsRun run;
    for (auto& r : *pending) {
        if (auto done = complete(r); !done) {
            log::warn("pending refund not completed; retried later",
                      {{"order", r.orderId.str()}, {"refundKey", r.requestKey}, {"error", done.error().detail}});
            ++run.failed;
            break;
        }
        log::info("pending refund completed",
                  {{"order", r.orderId.str()}, {"refundKey", r.requestKey}, {"refundId", r.providerRefundId}});
        ++run.completed;
    }
    return run;
}

OutboxMessage RefundService::message(const Order& o, const Refund& r, const std::vector<SeatId>& seats,
                                     bool whole) const {
    nlohmann::json ids = nlohmann::json::array();
    for (const auto& s : seats) ids.push_back(s.str());
    nlohmann::json payload = {{"orderId", o.id.str()},
                              {"showId", o.showId.str()},
                              {"userId", o.userId.str()},
                              {"status", whole ? "REFUNDED" : "CONFIRMED"},
                              {"seatIds", std::move(ids)},
                              {"amount", r.amountMinor},
                              {"currency", r.currency},
                              {"provider", r.provider},
                              {"paymentId", r.providerPaymentId},
                              {"refundKey", r.requestKey},
                              {"reason", r.reason}};
    nlohmann::json headers = nlohmann::json::object();
    if (!o.traceContext.empty()) headers["traceparent"] = o.traceContext;
    return {ids_.next(),
            "order",
            o.id.str(),
            "order.refunded",
            payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
            headers.dump(),
            clock_.nowMs()};
}

}  // namespace boxoffice
