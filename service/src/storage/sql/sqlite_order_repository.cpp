#include "storage/sql/sqlite_order_repository.hpp"

#include <soci/soci.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/sql/one_shot.hpp"
#include "storage/sql/order_rows.hpp"
#include "storage/sql/outbox_rows.hpp"
#include "storage/sql/sqlite_order_statements.hpp"

namespace boxoffice::sql {
namespace {

namespace q = sqlite_order_sql;

// The order columns bound into a statement; record() turns them into the shared OrderRecord.
struct SociOrderRow {
    OrderRecord r;
    std::string phone, payment, trace;
    long long confirmed = 0;
    soci::indicator phoneInd = soci::i_null, paymentInd = soci::i_null, traceInd = soci::i_null,
                    confirmedInd = soci::i_null;

    void bind(soci::statement& st) {
        st.exchange(soci::into(r.id));
        st.exchange(soci::into(r.showId));
        st.exchange(soci::into(r.userId));
        st.exchange(soci::into(r.holdId));
        st.exchange(soci::into(r.status));
        st.exchange(soci::into(r.amount));
        st.exchange(soci::into(r.currency));
        st.exchange(soci::into(r.name));
        st.exchange(soci::into(r.email));
        st.exchange(soci::into(phone, phoneInd));
        st.exchange(soci::into(payment, paymentInd));
        st.exchange(soci::into(trace, traceInd));
        st.exchange(soci::into(r.expires));
        st.exchange(soci::into(r.created));
        st.exchange(soci::into(r.updated));
        st.exchange(soci::into(confirmed, confirmedInd));
    }
    Order order() const {
        OrderRecord out = r;
        if (phoneInd == soci::i_ok) out.phone = phone;
        if (paymentInd == soci::i_ok) out.payment = payment;
        if (traceInd == soci::i_ok) out.trace = trace;
        if (confirmedInd == soci::i_ok) out.confirmed = confirmed;
        return toOrder(std::move(out));
    }
};

void loadSeats(soci::session& sql, Order& o) {
    std::string seatId, tier;
    long long price = 0;
    soci::statement st =
        oneShot(sql, q::kSelectSeats, soci::use(o.id.str()), soci::into(seatId), soci::into(tier), soci::into(price));
    st.execute(false);
    while (st.fetch()) o.seats.push_back({SeatId{seatId}, tier, price});
}

void loadTickets(soci::session& sql, Order& o) {
    std::string code, seatId, showId, userId;
    long long issued = 0;
    soci::statement st = oneShot(sql, q::kSelectTicketsOfOrder, soci::use(o.id.str()), soci::into(code),
                                 soci::into(seatId), soci::into(showId), soci::into(userId), soci::into(issued));
    st.execute(false);
    while (st.fetch()) o.tickets.push_back({code, SeatId{seatId}, o.id, ShowId{showId}, UserId{userId}, issued, {}});
}

std::optional<Order> loadOrder(soci::session& sql, const std::string& id) {
    SociOrderRow row;
    std::string seatId, tier, code, ticketShow, ticketUser;
    long long price = 0, issued = 0;
    int voided = 0;
    soci::indicator seatInd = soci::i_null, tierInd = soci::i_null, priceInd = soci::i_null, codeInd = soci::i_null,
                    showInd = soci::i_null, userInd = soci::i_null, issuedInd = soci::i_null, voidedInd = soci::i_null;
    soci::statement st(sql);
    row.bind(st);
    st.exchange(soci::into(seatId, seatInd));
    st.exchange(soci::into(tier, tierInd));
    st.exchange(soci::into(price, priceInd));
    st.exchange(soci::into(code, codeInd));
    st.exchange(soci::into(ticketShow, showInd));
    st.exchange(soci::into(ticketUser, userInd));
    st.exchange(soci::into(issued, issuedInd));
    st.exchange(soci::into(voided, voidedInd));
    st.exchange(soci::use(id));
    prepareOneShot(st, q::kFindOrder);
    st.execute(false);
    std::optional<Order> order;
    while (st.fetch()) {
        if (!order) order = row.order();
        if (seatInd != soci::i_ok) continue;
        if (order->seats.empty() || order->seats.back().seatId.str() != seatId)
            order->seats.push_back({SeatId{seatId}, tier, price});
        if (codeInd == soci::i_ok && voided == 0)
            order->tickets.push_back(
                {code, SeatId{seatId}, order->id, ShowId{ticketShow}, UserId{ticketUser}, issued, {}});
    }
    if (order) settleRefundedStatus(*order);
    return order;
}

void insertOrder(soci::session& sql, const Order& o) {
    const std::string status(orderStatusName(o.status));
    const std::string payment = o.paymentReference.value_or("");
    const long long amount = o.amountMinor, expires = o.expiresAt, created = o.createdAt, updated = o.updatedAt,
                    confirmed = o.confirmedAt.value_or(0);
    soci::indicator phoneInd = o.customer.phone.empty() ? soci::i_null : soci::i_ok,
                    paymentInd = o.paymentReference ? soci::i_ok : soci::i_null,
                    traceInd = o.traceContext.empty() ? soci::i_null : soci::i_ok,
                    confirmedInd = o.confirmedAt ? soci::i_ok : soci::i_null;
    soci::statement st(sql);
    st.exchange(soci::use(o.id.str()));
    st.exchange(soci::use(o.showId.str()));
    st.exchange(soci::use(o.userId.str()));
    st.exchange(soci::use(o.holdId.str()));
    st.exchange(soci::use(status));
    st.exchange(soci::use(amount));
    st.exchange(soci::use(o.currency));
    st.exchange(soci::use(o.customer.name));
    st.exchange(soci::use(o.customer.email));
    st.exchange(soci::use(o.customer.phone, phoneInd));
    st.exchange(soci::use(payment, paymentInd));
    st.exchange(soci::use(o.traceContext, traceInd));
    st.exchange(soci::use(expires));
    st.exchange(soci::use(created));
    st.exchange(soci::use(updated));
    st.exchange(soci::use(confirmed, confirmedInd));
    prepareOneShot(st, q::kInsertOrder);
    st.execute(true);
}

void insertSeats(soci::session& sql, const Order& o) {
    std::string seatId, tier;
    long long price = 0;
    soci::statement st = oneShot(sql, q::kInsertOrderSeat, soci::use(o.id.str()), soci::use(o.showId.str()),
                                 soci::use(seatId), soci::use(tier), soci::use(price));
    for (const auto& s : sortedSeats(o)) {
        seatId = s.seatId.str();
        tier = s.tier;
        price = s.priceMinor;
        st.execute(true);
    }
}

// The seats of `o` some active order of its show holds, in seat order.
std::vector<std::string> takenSeats(soci::session& sql, const Order& o) {
    std::vector<std::string> taken;
    std::string seatId;
    long long count = 0;
    soci::statement st = oneShot(sql, q::kSeatTaken, soci::use(o.showId.str()), soci::use(seatId), soci::into(count));
    for (const auto& s : sortedSeats(o)) {
        seatId = s.seatId.str();
        st.execute(true);
        if (count > 0) taken.push_back(seatId);
    }
    return taken;
}

}  // namespace

Result<void> SqliteOrderRepository::create(const Order& order, const OutboxMessage& created) {
    return db_.transact([&](soci::session& sql) -> Result<void> {
        long long same = 0;
        sql << q::kCountSameOrderOrHold, soci::use(order.id.str()), soci::use(order.holdId.str()), soci::into(same);
        // The primary key or UNIQUE(hold_id): a retried checkout of a hold already ordered.
        if (same > 0) return holdAlreadyOrdered("order " + order.id.str() + " or hold " + order.holdId.str());
        if (auto taken = takenSeats(sql, order); !taken.empty()) return seatsUnavailable(std::move(taken));
        insertOrder(sql, order);
        insertSeats(sql, order);
        insertOutbox(sql, created);
        return {};
    });
}

Result<Order> SqliteOrderRepository::find(const OrderId& id) {
    std::optional<Order> order;
    auto r = db_.run([&](soci::session& sql) { order = loadOrder(sql, id.str()); });
    if (!r) return std::move(r).error();
    if (!order) return Error::notFound("order");
    return std::move(*order);
}

Result<Order> SqliteOrderRepository::transition(const OrderTransition& t) {
    if (t.to == OrderStatus::PaymentPending) return noTransitionBack(t.id);
    std::optional<Order> after;
    auto r = db_.transact([&](soci::session& sql) -> Result<void> {
        after.reset();
        std::string status, showId, userId;
        long long expires = 0;
        const long long now = t.now;
        soci::statement lock = oneShot(sql, q::kLockOrder, soci::use(t.id.str()), soci::into(status),
                                       soci::into(expires), soci::into(showId), soci::into(userId));
        lock.execute(true);
        if (!lock.got_data()) return Error::notFound("order");
        if (status != orderStatusName(OrderStatus::PaymentPending)) return notPending(status);

        if (t.to == OrderStatus::Confirmed) {
            if (expires <= now) return orderExpired();
            soci::indicator paymentInd = t.paymentReference ? soci::i_ok : soci::i_null;
            const std::string payment = t.paymentReference.value_or("");
            soci::statement update = oneShot(sql, q::kConfirmOrder, soci::use(payment, paymentInd), soci::use(now),
                                             soci::use(now), soci::use(t.id.str()));
            update.execute(true);
            if (update.get_affected_rows() != 1) return changedMeanwhile(t.id);
            // Show and user come from the locked row, not the caller: a ticket can only ever name
            // the order's own show and owner.
            std::string code, seatId;
            long long issued = 0;
            soci::statement insert =
                oneShot(sql, q::kInsertTicket, soci::use(code), soci::use(t.id.str()), soci::use(showId),
                        soci::use(seatId), soci::use(userId), soci::use(issued));
            for (const auto& ticket : t.tickets) {
                code = ticket.code;
                seatId = ticket.seatId.str();
                issued = ticket.issuedAt;
                insert.execute(true);
            }
        } else {
            const std::string to(orderStatusName(t.to));
            soci::statement update = oneShot(sql, q::kCloseOrder, soci::use(to), soci::use(now), soci::use(t.id.str()));
            update.execute(true);
            if (update.get_affected_rows() != 1) return changedMeanwhile(t.id);
            // Frees the seats for the partial unique index: they may be ordered again.
            soci::statement free = oneShot(sql, q::kDeactivateSeats, soci::use(t.id.str()));
            free.execute(true);
        }
        insertOutbox(sql, t.message);
        after = loadOrder(sql, t.id.str());
        if (!after) return Error::internalError("order " + t.id.str() + " vanished inside its own transition");
        return {};
    });
    if (!r) return std::move(r).error();
    return std::move(*after);
}

Result<std::vector<Order>> SqliteOrderRepository::ordersOf(const UserId& user, int limit, int offset) {
    std::vector<Order> orders;
    if (limit <= 0) return orders;
    int lim = limit, off = offset < 0 ? 0 : offset;
    auto r = db_.run([&](soci::session& sql) {
        orders.clear();
        SociOrderRow row;
        {
            soci::statement st(sql);
            row.bind(st);
            st.exchange(soci::use(user.str()));
            st.exchange(soci::use(lim));
            st.exchange(soci::use(off));
            prepareOneShot(st, std::string(q::kOrderColumns) + q::kSelectOrdersOfUser);
            st.execute(false);
            while (st.fetch()) orders.push_back(row.order());
        }
        // Seats never change after create() and tickets are written in the transaction that sets
        // CONFIRMED: read after the order rows, they still give a consistent order.
        for (auto& o : orders) {
            loadSeats(sql, o);
            if (o.status == OrderStatus::Confirmed) {
                loadTickets(sql, o);
                settleRefundedStatus(o);
            }
        }
    });
    if (!r) return std::move(r).error();
    return orders;
}

Result<std::vector<Ticket>> SqliteOrderRepository::ticketsOf(const UserId& user, int limit, int offset) {
    std::vector<Ticket> tickets;
    if (limit <= 0) return tickets;
    int lim = limit, off = offset < 0 ? 0 : offset;
    auto r = db_.run([&](soci::session& sql) {
        tickets.clear();
        std::string code, orderId, showId, seatId;
        long long issued = 0;
        soci::statement st =
            oneShot(sql, q::kSelectTicketsOfUser, soci::use(user.str()), soci::use(lim), soci::use(off),
                    soci::into(code), soci::into(orderId), soci::into(showId), soci::into(seatId), soci::into(issued));
        st.execute(false);
        while (st.fetch())
            tickets.push_back({code, SeatId{seatId}, OrderId{orderId}, ShowId{showId}, user, issued, {}});
    });
    if (!r) return std::move(r).error();
    return tickets;
}

Result<std::vector<Order>> SqliteOrderRepository::expireDue(EpochMs now, int limit,
                                                            const std::function<OutboxMessage(const Order&)>& message) {
    std::vector<Order> expired;
    if (limit <= 0) return expired;
    if (!message) return Error::internalError("expireDue needs an outbox message factory");
    auto r = db_.transact([&](soci::session& sql) -> Result<void> {
        expired.clear();
        long long at = now;
        int lim = limit;
        std::vector<std::string> ids;
        {
            // Fully read before the updates below: SQLite must not have this cursor open while
            // the same connection writes the table it scans.
            std::string id;
            soci::statement st = oneShot(sql, q::kSelectDue, soci::use(at), soci::use(lim), soci::into(id));
            st.execute(false);
            while (st.fetch()) ids.push_back(id);
        }
        std::string current;
        soci::statement expire = oneShot(sql, q::kExpireOrder, soci::use(at), soci::use(current));
        soci::statement deactivate = oneShot(sql, q::kDeactivateSeats, soci::use(current));
        for (const auto& id : ids) {
            current = id;
            expire.execute(true);
            if (expire.get_affected_rows() != 1) continue;
            deactivate.execute(true);
            auto order = loadOrder(sql, id);
            if (!order) return Error::internalError("order " + id + " vanished while being expired");
            insertOutbox(sql, message(*order));
            expired.push_back(std::move(*order));
        }
        return {};
    });
    if (!r) return std::move(r).error();
    return expired;
}

Result<std::vector<SeatClaim>> SqliteOrderRepository::activeClaims(const ShowId& show) {
    std::vector<SeatClaim> claims;
    auto r = db_.run([&](soci::session& sql) {
        claims.clear();
        std::string seatId, orderId, userId, status;
        long long expires = 0;
        soci::statement st = oneShot(sql, q::kSelectActiveClaims, soci::use(show.str()), soci::into(seatId),
                                     soci::into(orderId), soci::into(userId), soci::into(status), soci::into(expires));
        st.execute(false);
        while (st.fetch()) {
            // A sold seat has no window; a pending order's seats are free again once it closes.
            const bool sold = status == orderStatusName(OrderStatus::Confirmed);
            claims.push_back({SeatId{seatId}, OrderId{orderId}, UserId{userId}, sold ? 0 : expires});
        }
    });
    if (!r) return std::move(r).error();
    return claims;
}

Result<long long> SqliteOrderRepository::soldSeatCount(const ShowId& show) {
    long long sold = 0;
    auto r = db_.run([&](soci::session& sql) { sql << q::kCountSold, soci::use(show.str()), soci::into(sold); });
    if (!r) return std::move(r).error();
    return sold;
}

Result<long long> SqliteOrderRepository::outboxDepth() {
    long long depth = 0;
    auto r = db_.run([&](soci::session& sql) { sql << q::kCountUnpublished, soci::into(depth); });
    if (!r) return std::move(r).error();
    return depth;
}

}  // namespace boxoffice::sql
