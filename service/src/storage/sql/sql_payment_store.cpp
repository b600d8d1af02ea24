#include "storage/sql/sql_payment_store.hpp"

#include <functional>

#include <soci/soci.h>

#include "storage/sql/one_shot.hpp"
#include "storage/sql/order_rows.hpp"
#include "storage/sql/outbox_rows.hpp"

namespace boxoffice::sql {
namespace {

namespace q {
// Creating a payment again (a retried POST /payment) finds the provider's same id: nothing but the
// time changes, never a status a webhook already set.
constexpr const char* kSavePayment =
    "INSERT INTO payments (provider, provider_payment_id, order_id, amount_minor, currency, status, refunded_minor, "
    "created_at, updated_at) VALUES (:provider, :pid, :order, :amount, :currency, :status, :refunded, :created, "
    ":updated) ON CONFLICT (provider, provider_payment_id) DO UPDATE SET updated_at = excluded.updated_at";
// A webhook's outcome: the provider's word is the status.
constexpr const char* kApplyPayment =
    "INSERT INTO payments (provider, provider_payment_id, order_id, amount_minor, currency, status, refunded_minor, "
    "created_at, updated_at) VALUES (:provider, :pid, :order, :amount, :currency, :status, :refunded, :created, "
    ":updated) ON CONFLICT (provider, provider_payment_id) DO UPDATE SET status = excluded.status, "
    "refunded_minor = excluded.refunded_minor, updated_at = excluded.updated_at";
constexpr const char* kPaymentColumns =
    "SELECT provider, provider_payment_id, order_id, amount_minor, currency, status, refunded_minor, created_at, "
    "updated_at FROM payments ";
constexpr const char* kSeen = "SELECT count(*) FROM payment_events WHERE provider = :provider AND event_id = :id";
// The primary key decides which of two concurrent deliveries of one event is recorded.
constexpr const char* kInsertEvent =
    "INSERT INTO payment_events (provider, event_id, event_type, provider_payment_id, order_id, outcome, "
    "received_at) VALUES (:provider, :id, :type, :pid, :order, :outcome, :at) "
    "ON CONFLICT (provider, event_id) DO NOTHING";
constexpr const char* kInsertRefund =
    "INSERT INTO refunds (provider, provider_refund_id, provider_payment_id, order_id, amount_minor, currency, "
    "reason, status, created_at) VALUES (:provider, :rid, :pid, :order, :amount, :currency, :reason, :status, :at) "
    "ON CONFLICT (provider, provider_refund_id) DO NOTHING";
constexpr const char* kEventsOf =
    "SELECT provider, event_id, event_type, provider_payment_id, order_id, outcome, received_at FROM payment_events "
    "WHERE order_id = :order ORDER BY received_at, event_id";
#define BOXOFFICE_REFUND_COLUMNS                                                                            \
    "provider, provider_refund_id, provider_payment_id, order_id, amount_minor, currency, reason, status, " \
    "created_at, "
constexpr const char* kRefundsOf = "SELECT " BOXOFFICE_REFUND_COLUMNS
                                   "COALESCE(request_key, '') FROM refunds WHERE order_id = :order "
                                   "ORDER BY created_at, provider_refund_id";
constexpr const char* kRefundByKey =
    "SELECT " BOXOFFICE_REFUND_COLUMNS "request_key FROM refunds WHERE provider = :provider AND request_key = :key";
// Reserved and never answered: the placeholder id is still there ("pending:" + key; a provider that
// answered "pending" gave its own id, and that refund is the provider's to finish). Oldest first, by
// the partial index refunds_pending (migrations/000017).
constexpr const char* kPendingRefunds =
    "SELECT " BOXOFFICE_REFUND_COLUMNS
    "request_key FROM refunds WHERE provider = :provider AND status = 'pending' AND created_at < :before "
    "AND provider_refund_id = 'pending:' || request_key ORDER BY created_at, request_key LIMIT :limit";
constexpr const char* kReserveRefund = "INSERT INTO refunds (" BOXOFFICE_REFUND_COLUMNS
                                       "request_key) VALUES (:provider, :rid, :pid, :order, :amount, :currency, "
                                       ":reason, :status, :at, :key)";
constexpr const char* kOrderStatus = "SELECT status FROM orders WHERE id = :id";
// A confirmed order's seat that is no longer active was refunded (only a refund deactivates one).
constexpr const char* kRefundedSeats =
    "SELECT s.seat_id, s.order_id, o.user_id FROM order_seats s JOIN orders o ON o.id = s.order_id "
    "WHERE s.show_id = :show AND s.active = 0 AND o.status = 'CONFIRMED' ORDER BY s.order_id, s.seat_id";
// Only a seat the order still owns, on a valid ticket, leaves it: a second refund of it finds none.
constexpr const char* kRefundSeat =
    "UPDATE order_seats SET active = 0 WHERE order_id = :order AND seat_id = :seat AND active = 1";
constexpr const char* kVoidTicket =
    "UPDATE tickets SET voided = 1 WHERE order_id = :order AND seat_id = :seat AND voided = 0";
// Never more back than was paid, however many refunds race.
constexpr const char* kAddRefunded =
    "UPDATE payments SET refunded_minor = refunded_minor + :amount, updated_at = :at "
    "WHERE provider = :provider AND provider_payment_id = :pid AND refunded_minor + :amount2 <= amount_minor";
constexpr const char* kPaymentKnown =
    "SELECT count(*) FROM payments WHERE provider = :provider AND provider_payment_id = :pid";
constexpr const char* kCompleteRefund =
    "UPDATE refunds SET provider_refund_id = :rid, status = :status WHERE provider = :provider AND request_key = :key";
}  // namespace q

void upsertPayment(soci::session& sql, const char* statement, const Payment& p) {
    const std::string order = p.orderId.str(), status(paymentStatusName(p.status));
    long long amount = p.amountMinor, refunded = p.refundedMinor, created = p.createdAt, updated = p.updatedAt;
    sql << statement, soci::use(p.provider), soci::use(p.providerPaymentId), soci::use(order), soci::use(amount),
        soci::use(p.currency), soci::use(status), soci::use(refunded), soci::use(created), soci::use(updated);
}

// The payments matching `where` (one or two bound arguments: soci binds them in the statement).
std::vector<Payment> selectPayments(soci::session& sql, const std::string& where, const std::string& a,
                                    const std::string* b) {
    std::vector<Payment> out;
    std::string provider, pid, order, currency, status;
    long long amount = 0, refunded = 0, created = 0, updated = 0;
    const std::string query = std::string(q::kPaymentColumns) + where;
    auto read = [&](soci::statement& st) {
        st.execute();
        while (st.fetch()) {
            Payment p;
            p.provider = provider;
            p.providerPaymentId = pid;
            p.orderId = OrderId{order};
            p.amountMinor = amount;
            p.currency = currency;
            p.status = parsePaymentStatus(status).value_or(PaymentStatus::Pending);
            p.refundedMinor = refunded;
            p.createdAt = created;
            p.updatedAt = updated;
            out.push_back(std::move(p));
        }
    };
    if (b) {
        soci::statement st = oneShot(sql, query, soci::use(a), soci::use(*b), soci::into(provider), soci::into(pid),
                                     soci::into(order), soci::into(amount), soci::into(currency), soci::into(status),
                                     soci::into(refunded), soci::into(created), soci::into(updated));
        read(st);
    } else {
        soci::statement st = oneShot(sql, query, soci::use(a), soci::into(provider), soci::into(pid), soci::into(order),
                                     soci::into(amount), soci::into(currency), soci::into(status), soci::into(refunded),
                                     soci::into(created), soci::into(updated));
        read(st);
    }
    return out;
}

// Reads rows of BOXOFFICE_REFUND_COLUMNS + one key column; `bindUses` binds the query's parameters.
std::vector<Refund> selectRefunds(soci::session& sql, const char* query,
                                  const std::function<void(soci::statement&)>& bindUses) {
    std::vector<Refund> out;
    Refund f;
    std::string order;
    long long amount = 0, at = 0;
    auto read = [&](soci::statement& st) {
        st.execute();
        while (st.fetch()) {
            f.orderId = OrderId{order};
            f.amountMinor = amount;
            f.createdAt = at;
            out.push_back(f);
        }
    };
    auto bindRow = [&](soci::statement& st) {
        st.exchange(soci::into(f.provider));
        st.exchange(soci::into(f.providerRefundId));
        st.exchange(soci::into(f.providerPaymentId));
        st.exchange(soci::into(order));
        st.exchange(soci::into(amount));
        st.exchange(soci::into(f.currency));
        st.exchange(soci::into(f.reason));
        st.exchange(soci::into(f.status));
        st.exchange(soci::into(at));
        st.exchange(soci::into(f.requestKey));
    };
    soci::statement st(sql);
    bindRow(st);
    bindUses(st);
    prepareOneShot(st, query);
    read(st);
    return out;
}

}  // namespace

Result<void> SqlPaymentStore::savePayment(const Payment& payment) {
    return db_.run([&](soci::session& sql) { upsertPayment(sql, q::kSavePayment, payment); });
}

Result<std::optional<Payment>> SqlPaymentStore::findPayment(const std::string& provider,
                                                            const std::string& providerPaymentId) {
    std::optional<Payment> out;
    auto r = db_.run([&](soci::session& sql) {
        auto rows = selectPayments(sql, "WHERE provider = :provider AND provider_payment_id = :pid", provider,
                                   &providerPaymentId);
        out.reset();
        if (!rows.empty()) out = std::move(rows.front());
    });
    if (!r) return std::move(r).error();
    return out;
}

Result<bool> SqlPaymentStore::seenEvent(const std::string& provider, const std::string& eventId) {
    long long n = 0;
    auto r =
        db_.run([&](soci::session& sql) { sql << q::kSeen, soci::use(provider), soci::use(eventId), soci::into(n); });
    if (!r) return std::move(r).error();
    return n > 0;
}

Result<bool> SqlPaymentStore::recordEvent(const PaymentEventRecord& e, const std::optional<Payment>& payment,
                                          const std::optional<OutboxMessage>& message) {
    bool recorded = false;
    auto r = db_.transact([&](soci::session& sql) -> Result<void> {
        std::string order = e.orderId ? e.orderId->str() : std::string{};
        soci::indicator orderInd = e.orderId ? soci::i_ok : soci::i_null;
        long long at = e.receivedAt;
        soci::statement insert =
            oneShot(sql, q::kInsertEvent, soci::use(e.provider), soci::use(e.eventId), soci::use(e.type),
                    soci::use(e.providerPaymentId), soci::use(order, orderInd), soci::use(e.outcome), soci::use(at));
        insert.execute(true);
        recorded = insert.get_affected_rows() == 1;
        if (recorded && payment) upsertPayment(sql, q::kApplyPayment, *payment);
        if (recorded && message) {
            insertOutbox(sql, *message);
        }
        return {};
    });
    if (!r) return std::move(r).error();
    return recorded;
}

Result<void> SqlPaymentStore::saveRefund(const Refund& f) {
    return db_.run([&](soci::session& sql) {
        const std::string order = f.orderId.str();
        long long amount = f.amountMinor, at = f.createdAt;
        sql << q::kInsertRefund, soci::use(f.provider), soci::use(f.providerRefundId), soci::use(f.providerPaymentId),
            soci::use(order), soci::use(amount), soci::use(f.currency), soci::use(f.reason), soci::use(f.status),
            soci::use(at);
    });
}

Result<OrderPayments> SqlPaymentStore::ofOrder(const OrderId& orderId) {
    OrderPayments out;
    auto r = db_.run([&](soci::session& sql) {
        out = {};
        const std::string order = orderId.str();
        out.payments =
            selectPayments(sql, "WHERE order_id = :order ORDER BY created_at, provider_payment_id", order, nullptr);
        {
            std::string provider, id, type, pid, eventOrder, outcome;
            soci::indicator orderInd = soci::i_ok;
            long long at = 0;
            soci::statement st =
                oneShot(sql, q::kEventsOf, soci::use(order), soci::into(provider), soci::into(id), soci::into(type),
                        soci::into(pid), soci::into(eventOrder, orderInd), soci::into(outcome), soci::into(at));
            st.execute();
            while (st.fetch()) {
                PaymentEventRecord e{provider, id, type, pid, std::nullopt, outcome, at};
                if (orderInd == soci::i_ok) e.orderId = OrderId{eventOrder};
                out.events.push_back(std::move(e));
            }
        }
        out.refunds = selectRefunds(sql, q::kRefundsOf, [&](soci::statement& st) { st.exchange(soci::use(order)); });
    });
    if (!r) return std::move(r).error();
    return out;
}

Result<std::optional<Refund>> SqlPaymentStore::findRefund(const std::string& provider, const std::string& key) {
    std::optional<Refund> out;
    auto r = db_.run([&](soci::session& sql) {
        auto rows = selectRefunds(sql, q::kRefundByKey, [&](soci::statement& st) {
            st.exchange(soci::use(provider));
            st.exchange(soci::use(key));
        });
        out.reset();
        if (!rows.empty()) out = std::move(rows.front());
    });
    if (!r) return std::move(r).error();
    return out;
}

Result<std::vector<Refund>> SqlPaymentStore::pendingRefunds(const std::string& provider, EpochMs reservedBefore,
                                                            int limit) {
    std::vector<Refund> out;
    long long before = reservedBefore;
    auto r = db_.run([&](soci::session& sql) {
        out = selectRefunds(sql, q::kPendingRefunds, [&](soci::statement& st) {
            st.exchange(soci::use(provider));
            st.exchange(soci::use(before));
            st.exchange(soci::use(limit));
        });
    });
    if (!r) return std::move(r).error();
    return out;
}

Result<void> SqlPaymentStore::reserveRefund(const Refund& f, const std::vector<SeatId>& seats,
                                            const OutboxMessage& message) {
    return db_.transact([&](soci::session& sql) -> Result<void> {
        const std::string order = f.orderId.str();
        std::string status;
        soci::indicator statusInd = soci::i_null;
        sql << q::kOrderStatus, soci::use(order), soci::into(status, statusInd);
        if (statusInd != soci::i_ok) return Error::notFound("order");
        if (status != "CONFIRMED") return Error::of(ErrorCode::Conflict, "order is " + status);
        for (const auto& s : seats) {
            const std::string seat = s.str();
            soci::statement freed = oneShot(sql, q::kRefundSeat, soci::use(order), soci::use(seat));
            freed.execute(true);
            if (freed.get_affected_rows() != 1)
                return Error::of(ErrorCode::Conflict, "seat " + seat + " is not on a valid ticket of this order");
            sql << q::kVoidTicket, soci::use(order), soci::use(seat);
        }
        long long amount = f.amountMinor, at = f.createdAt;
        soci::statement added = oneShot(sql, q::kAddRefunded, soci::use(amount), soci::use(at), soci::use(f.provider),
                                        soci::use(f.providerPaymentId), soci::use(amount));
        added.execute(true);
        if (added.get_affected_rows() == 0) {
            long long known = 0;  // a dev order confirmed by confirm-payment has no payment row
            sql << q::kPaymentKnown, soci::use(f.provider), soci::use(f.providerPaymentId), soci::into(known);
            if (known > 0) return Error::of(ErrorCode::Conflict, "the refund is more than is left of the payment");
        }
        // The unique (provider, request_key) index refuses a second reservation under one key.
        sql << q::kReserveRefund, soci::use(f.provider), soci::use(f.providerRefundId), soci::use(f.providerPaymentId),
            soci::use(order), soci::use(amount), soci::use(f.currency), soci::use(f.reason), soci::use(f.status),
            soci::use(at), soci::use(f.requestKey);
        insertOutbox(sql, message);
        return {};
    });
}

Result<void> SqlPaymentStore::completeRefund(const std::string& provider, const std::string& key,
                                             const std::string& providerRefundId, const std::string& status) {
    return db_.run([&](soci::session& sql) {
        sql << q::kCompleteRefund, soci::use(providerRefundId), soci::use(status), soci::use(provider), soci::use(key);
    });
}

Result<std::vector<SeatClaim>> SqlPaymentStore::refundedSeats(const ShowId& show) {
    std::vector<SeatClaim> out;
    auto r = db_.run([&](soci::session& sql) {
        out.clear();
        std::string seat, order, user;
        soci::statement st = oneShot(sql, q::kRefundedSeats, soci::use(show.str()), soci::into(seat), soci::into(order),
                                     soci::into(user));
        st.execute();
        while (st.fetch()) out.push_back({SeatId{seat}, OrderId{order}, UserId{user}, 0});
    });
    if (!r) return std::move(r).error();
    return out;
}

}  // namespace boxoffice::sql
