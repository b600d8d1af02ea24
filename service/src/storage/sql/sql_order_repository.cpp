#include "storage/sql/sql_order_repository.hpp"

#include <soci/soci.h>

#include <optional>
#include <utility>

#include "storage/sql/sql_errors.hpp"

namespace boxoffice::sql {
namespace {

namespace q {
constexpr const char* kInsertOrder =
    "INSERT INTO orders (id, show_id, user_id, hold_id, status, amount_minor, currency, customer_name, "
    "customer_email, customer_phone, payment_reference, trace_context, expires_at, created_at, updated_at, "
    "confirmed_at) VALUES (:id, :show, :user, :hold, :status, :amount, :currency, :name, :email, :phone, "
    ":payment, :trace, :expires, :created, :updated, :confirmed)";
constexpr const char* kInsertOrderSeat =
    "INSERT INTO order_seats (order_id, show_id, seat_id, tier, price_minor, active) "
    "VALUES (:order, :show, :seat, :tier, :price, 1)";
constexpr const char* kInsertOutbox =
    "INSERT INTO outbox (id, aggregate_type, aggregate_id, event_type, payload, headers, created_at, available_at) "
    "VALUES (:id, :type, :aggregate, :event, :payload, :headers, :created, :available)";
// Completed by " IN (:s0, :s1, ...) ORDER BY seat_id" for the seats asked about.
constexpr const char* kSelectTakenSeatsPrefix =
    "SELECT seat_id FROM order_seats WHERE show_id = :show AND active = 1 AND seat_id IN (";
constexpr const char* kOrderColumns =
    "SELECT id, show_id, user_id, hold_id, status, amount_minor, currency, customer_name, customer_email, "
    "customer_phone, payment_reference, trace_context, expires_at, created_at, updated_at, confirmed_at "
    "FROM orders ";
constexpr const char* kSelectSeats =
    "SELECT seat_id, tier, price_minor FROM order_seats WHERE order_id = :id ORDER BY seat_id";
constexpr const char* kSelectTicketsOfOrder =
    "SELECT code, seat_id, show_id, user_id, issued_at FROM tickets WHERE order_id = :id AND voided = 0 "
    "ORDER BY seat_id";
// SQLite needs no row lock: Database::transact opens its transactions with BEGIN IMMEDIATE, so
// the whole database is write-locked before this SELECT runs.
constexpr const char* kLockOrder = "SELECT status, expires_at, show_id, user_id FROM orders WHERE id = :id";
constexpr const char* kLockOrderPg =
    "SELECT status, expires_at, show_id, user_id FROM orders WHERE id = :id FOR UPDATE";
// The status guards below are redundant under the lock; with the affected-row checks they keep a
// change from ever applying twice should the locking above be weakened.
constexpr const char* kConfirmOrder =
    "UPDATE orders SET status = 'CONFIRMED', payment_reference = :payment, confirmed_at = :confirmed, "
    "updated_at = :updated WHERE id = :id AND status = 'PAYMENT_PENDING'";
constexpr const char* kCloseOrder =
    "UPDATE orders SET status = :status, updated_at = :updated WHERE id = :id AND status = 'PAYMENT_PENDING'";
constexpr const char* kDeactivateSeats = "UPDATE order_seats SET active = 0 WHERE order_id = :id";
constexpr const char* kInsertTicket =
    "INSERT INTO tickets (code, order_id, show_id, seat_id, user_id, issued_at, voided) "
    "VALUES (:code, :order, :show, :seat, :user, :issued, 0)";
constexpr const char* kSelectOrdersOfUser =
    "WHERE user_id = :user ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset";
constexpr const char* kSelectTicketsOfUser =
    "SELECT code, order_id, show_id, seat_id, issued_at FROM tickets WHERE user_id = :user AND voided = 0 "
    "ORDER BY issued_at DESC, order_id, seat_id LIMIT :limit OFFSET :offset";
constexpr const char* kSelectDue =
    "SELECT id FROM orders WHERE status = 'PAYMENT_PENDING' AND expires_at <= :now ORDER BY expires_at, id "
    "LIMIT :limit";
// Sweepers on other replicas skip the rows this one holds instead of queueing behind them.
constexpr const char* kSelectDuePg =
    "SELECT id FROM orders WHERE status = 'PAYMENT_PENDING' AND expires_at <= :now ORDER BY expires_at, id "
    "LIMIT :limit FOR UPDATE SKIP LOCKED";
constexpr const char* kExpireOrder =
    "UPDATE orders SET status = 'EXPIRED', updated_at = :updated WHERE id = :id AND status = 'PAYMENT_PENDING'";
constexpr const char* kSelectActiveClaims =
    "SELECT s.seat_id, o.id, o.user_id, o.status, o.expires_at FROM order_seats s "
    "JOIN orders o ON o.id = s.order_id WHERE s.show_id = :show AND s.active = 1 ORDER BY s.seat_id";
constexpr const char* kCountUnpublished = "SELECT COUNT(*) FROM outbox WHERE published_at IS NULL";
}  // namespace q

// A seat lookup that finds nothing right after a unique violation means the other order let go of
// the seat in between: the insert is worth another try, a bounded number of times.
constexpr int kCreateAttempts = 3;

struct OrderRow {
    std::string id, showId, userId, holdId, status, currency, name, email, phone, payment, trace;
    long long amount = 0, expires = 0, created = 0, updated = 0, confirmed = 0;
    soci::indicator phoneInd = soci::i_null, paymentInd = soci::i_null, traceInd = soci::i_null,
                    confirmedInd = soci::i_null;
};

// Binds the columns of q::kOrderColumns into `r`.
soci::details::prepare_temp_type& intoOrder(soci::details::prepare_temp_type& p, OrderRow& r) {
    return p, soci::into(r.id), soci::into(r.showId), soci::into(r.userId), soci::into(r.holdId), soci::into(r.status),
           soci::into(r.amount), soci::into(r.currency), soci::into(r.name), soci::into(r.email),
           soci::into(r.phone, r.phoneInd), soci::into(r.payment, r.paymentInd), soci::into(r.trace, r.traceInd),
           soci::into(r.expires), soci::into(r.created), soci::into(r.updated), soci::into(r.confirmed, r.confirmedInd);
}

Order toOrder(const OrderRow& r) {
    Order o;
    o.id = OrderId{r.id};
    o.showId = ShowId{r.showId};
    o.userId = UserId{r.userId};
    o.holdId = HoldId{r.holdId};
    // The CHECK constraint on orders.status admits only names parseOrderStatus knows.
    o.status = parseOrderStatus(r.status).value_or(OrderStatus::Failed);
    o.amountMinor = r.amount;
    o.currency = r.currency;
    o.customer.name = r.name;
    o.customer.email = r.email;
    if (r.phoneInd == soci::i_ok) o.customer.phone = r.phone;
    if (r.paymentInd == soci::i_ok) o.paymentReference = r.payment;
    if (r.traceInd == soci::i_ok) o.traceContext = r.trace;
    o.expiresAt = r.expires;
    o.createdAt = r.created;
    o.updatedAt = r.updated;
    if (r.confirmedInd == soci::i_ok) o.confirmedAt = r.confirmed;
    return o;
}

void loadSeats(soci::session& sql, Order& o) {
    std::string seatId, tier;
    long long price = 0;
    soci::statement st = (sql.prepare << q::kSelectSeats, soci::use(o.id.str()), soci::into(seatId), soci::into(tier),
                          soci::into(price));
    st.execute(false);
    while (st.fetch()) o.seats.push_back({seatId, tier, price});
}

void loadTickets(soci::session& sql, Order& o) {
    std::string code, seatId, showId, userId;
    long long issued = 0;
    soci::statement st = (sql.prepare << q::kSelectTicketsOfOrder, soci::use(o.id.str()), soci::into(code),
                          soci::into(seatId), soci::into(showId), soci::into(userId), soci::into(issued));
    st.execute(false);
    while (st.fetch()) o.tickets.push_back({code, seatId, o.id, ShowId{showId}, UserId{userId}, issued});
}

// Seats never change after create() and tickets are written in the same transaction that sets
// CONFIRMED, so reading them after the order row (outside one snapshot) still gives a consistent
// order: tickets are only looked for once the row says CONFIRMED.
void loadDetails(soci::session& sql, Order& o) {
    loadSeats(sql, o);
    if (o.status == OrderStatus::Confirmed) loadTickets(sql, o);
}

std::optional<Order> loadOrder(soci::session& sql, const std::string& id) {
    OrderRow row;
    auto p = sql.prepare << std::string(q::kOrderColumns) + "WHERE id = :id";
    intoOrder(p, row), soci::use(id);
    soci::statement st = p;
    st.execute(true);
    if (!st.got_data()) return std::nullopt;
    Order o = toOrder(row);
    loadDetails(sql, o);
    return o;
}

void insertOrder(soci::session& sql, const Order& o) {
    const std::string status(orderStatusName(o.status));
    long long amount = o.amountMinor, expires = o.expiresAt, created = o.createdAt, updated = o.updatedAt,
              confirmed = o.confirmedAt.value_or(0);
    soci::indicator phoneInd = o.customer.phone.empty() ? soci::i_null : soci::i_ok;
    soci::indicator paymentInd = o.paymentReference ? soci::i_ok : soci::i_null;
    soci::indicator traceInd = o.traceContext.empty() ? soci::i_null : soci::i_ok;
    soci::indicator confirmedInd = o.confirmedAt ? soci::i_ok : soci::i_null;
    const std::string payment = o.paymentReference.value_or("");
    sql << q::kInsertOrder, soci::use(o.id.str()), soci::use(o.showId.str()), soci::use(o.userId.str()),
        soci::use(o.holdId.str()), soci::use(status), soci::use(amount), soci::use(o.currency),
        soci::use(o.customer.name), soci::use(o.customer.email), soci::use(o.customer.phone, phoneInd),
        soci::use(payment, paymentInd), soci::use(o.traceContext, traceInd), soci::use(expires), soci::use(created),
        soci::use(updated), soci::use(confirmed, confirmedInd);
}

void insertSeats(soci::session& sql, const Order& o) {
    std::string seatId, tier;
    long long price = 0;
    soci::statement st = (sql.prepare << q::kInsertOrderSeat, soci::use(o.id.str()), soci::use(o.showId.str()),
                          soci::use(seatId), soci::use(tier), soci::use(price));
    for (const auto& s : o.seats) {
        seatId = s.seatId;
        tier = s.tier;
        price = s.priceMinor;
        st.execute(true);
    }
}

void insertOutbox(soci::session& sql, const OutboxMessage& m) {
    long long created = m.createdAt;
    const std::string headers = m.headers.empty() ? std::string("{}") : m.headers;
    sql << q::kInsertOutbox, soci::use(m.id), soci::use(m.aggregateType), soci::use(m.aggregateId),
        soci::use(m.eventType), soci::use(m.payload), soci::use(headers), soci::use(created), soci::use(created);
}

// The seats of `order` that some active order of its show holds right now.
Result<std::vector<std::string>> takenSeats(Database& db, const Order& order) {
    std::vector<std::string> taken;
    if (order.seats.empty()) return taken;
    auto r = db.run([&](soci::session& sql) {
        taken.clear();
        std::string seat;
        std::string query = q::kSelectTakenSeatsPrefix;
        soci::statement st(sql);
        st.exchange(soci::into(seat));
        st.exchange(soci::use(order.showId.str(), "show"));
        for (std::size_t i = 0; i < order.seats.size(); ++i) {
            const std::string name = "s" + std::to_string(i);
            query += (i == 0 ? ":" : ", :") + name;
            st.exchange(soci::use(order.seats[i].seatId, name));
        }
        query += ") ORDER BY seat_id";
        st.alloc();
        st.prepare(query);
        st.define_and_bind();
        st.execute(false);
        while (st.fetch()) taken.push_back(seat);
    });
    if (!r) return std::move(r).error();
    return taken;
}

// Only reachable if the row lock in transition() stopped holding: fail rather than write twice.
Error changedMeanwhile(const OrderId& id) {
    return {
        ErrorCode::Conflict, "order changed meanwhile", {}, {}, "order " + id.str() + " changed under its row lock"};
}

Error seatsUnavailable(std::vector<std::string> seats) {
    return {ErrorCode::SeatsUnavailable, "seats are no longer available", {}, std::move(seats), {}};
}

}  // namespace

Result<void> SqlOrderRepository::create(const Order& order, const OutboxMessage& created) {
    enum class Step { Order, Seats, Outbox };
    for (int attempt = 1;; ++attempt) {
        Step step = Step::Order;
        auto r = db_.transact([&](soci::session& sql) -> Result<void> {
            step = Step::Order;
            insertOrder(sql, order);
            step = Step::Seats;
            insertSeats(sql, order);
            step = Step::Outbox;
            insertOutbox(sql, created);
            return {};
        });
        if (r.ok()) return r;
        Error error = std::move(r).error();
        if (!isUniqueViolation(error)) return error;
        if (step == Step::Order) {
            // UNIQUE(hold_id) or the primary key: a retried checkout of a hold already ordered.
            return Error{
                ErrorCode::Conflict, "an order for this hold already exists", {}, {}, std::move(error.internal)};
        }
        if (step != Step::Seats) return error;
        // transact() has rolled back by now, which PostgreSQL requires before the session can
        // run another statement after a failed one.
        auto taken = takenSeats(db_, order);
        if (!taken) return std::move(taken).error();
        if (!taken->empty()) return seatsUnavailable(std::move(taken).value());
        if (attempt >= kCreateAttempts) return error;
    }
}

Result<Order> SqlOrderRepository::find(const OrderId& id) {
    std::optional<Order> order;
    auto r = db_.run([&](soci::session& sql) { order = loadOrder(sql, id.str()); });
    if (!r) return std::move(r).error();
    if (!order) return Error::notFound("order");
    return std::move(*order);
}

Result<Order> SqlOrderRepository::transition(const OrderTransition& t) {
    if (t.to == OrderStatus::PaymentPending) {
        return Error::internalError("order " + t.id.str() + ": no transition leads back to PAYMENT_PENDING");
    }
    const char* lockQuery = db_.dialect() == Dialect::Postgres ? q::kLockOrderPg : q::kLockOrder;
    std::optional<Order> after;
    auto r = db_.transact([&](soci::session& sql) -> Result<void> {
        after.reset();
        std::string status, showId, userId;
        long long expires = 0;
        const long long now = t.now;
        soci::statement lock = (sql.prepare << lockQuery, soci::use(t.id.str()), soci::into(status),
                                soci::into(expires), soci::into(showId), soci::into(userId));
        lock.execute(true);
        if (!lock.got_data()) return Error::notFound("order");
        if (status != orderStatusName(OrderStatus::PaymentPending)) {
            return Error{ErrorCode::Conflict, "order is " + status, {}, {}, {}};
        }

        if (t.to == OrderStatus::Confirmed) {
            if (expires <= now) {
                return Error{ErrorCode::OrderExpired, "the payment window of this order has closed", {}, {}, {}};
            }
            soci::indicator paymentInd = t.paymentReference ? soci::i_ok : soci::i_null;
            const std::string payment = t.paymentReference.value_or("");
            soci::statement update = (sql.prepare << q::kConfirmOrder, soci::use(payment, paymentInd), soci::use(now),
                                      soci::use(now), soci::use(t.id.str()));
            update.execute(true);
            if (update.get_affected_rows() != 1) return changedMeanwhile(t.id);
            // Show and user come from the locked row, not the caller: a ticket can only ever name
            // the order's own show and owner.
            std::string code, seatId;
            long long issued = 0;
            soci::statement insert = (sql.prepare << q::kInsertTicket, soci::use(code), soci::use(t.id.str()),
                                      soci::use(showId), soci::use(seatId), soci::use(userId), soci::use(issued));
            for (const auto& ticket : t.tickets) {
                code = ticket.code;
                seatId = ticket.seatId;
                issued = ticket.issuedAt;
                insert.execute(true);
            }
        } else {
            const std::string to(orderStatusName(t.to));
            soci::statement update =
                (sql.prepare << q::kCloseOrder, soci::use(to), soci::use(now), soci::use(t.id.str()));
            update.execute(true);
            if (update.get_affected_rows() != 1) return changedMeanwhile(t.id);
            // Frees the seats for the partial unique index: they may be ordered again.
            sql << q::kDeactivateSeats, soci::use(t.id.str());
        }
        insertOutbox(sql, t.message);
        after = loadOrder(sql, t.id.str());
        if (!after) return Error::internalError("order " + t.id.str() + " vanished inside its own transition");
        return {};
    });
    if (!r) return std::move(r).error();
    return std::move(*after);
}

Result<std::vector<Order>> SqlOrderRepository::ordersOf(const UserId& user, int limit, int offset) {
    std::vector<Order> orders;
    if (limit <= 0) return orders;
    int lim = limit, off = offset < 0 ? 0 : offset;
    auto r = db_.run([&](soci::session& sql) {
        orders.clear();
        OrderRow row;
        auto p = sql.prepare << std::string(q::kOrderColumns) + q::kSelectOrdersOfUser;
        intoOrder(p, row), soci::use(user.str()), soci::use(lim), soci::use(off);
        {
            soci::statement st = p;
            st.execute(false);
            while (st.fetch()) orders.push_back(toOrder(row));
        }
        for (auto& o : orders) loadDetails(sql, o);
    });
    if (!r) return std::move(r).error();
    return orders;
}

Result<std::vector<Ticket>> SqlOrderRepository::ticketsOf(const UserId& user, int limit, int offset) {
    std::vector<Ticket> tickets;
    if (limit <= 0) return tickets;
    int lim = limit, off = offset < 0 ? 0 : offset;
    auto r = db_.run([&](soci::session& sql) {
        tickets.clear();
        std::string code, orderId, showId, seatId;
        long long issued = 0;
        soci::statement st =
            (sql.prepare << q::kSelectTicketsOfUser, soci::use(user.str()), soci::use(lim), soci::use(off),
             soci::into(code), soci::into(orderId), soci::into(showId), soci::into(seatId), soci::into(issued));
        st.execute(false);
        while (st.fetch()) tickets.push_back({code, seatId, OrderId{orderId}, ShowId{showId}, user, issued});
    });
    if (!r) return std::move(r).error();
    return tickets;
}

Result<std::vector<Order>> SqlOrderRepository::expireDue(EpochMs now, int limit,
                                                         const std::function<OutboxMessage(const Order&)>& message) {
    std::vector<Order> expired;
    if (limit <= 0) return expired;
    if (!message) return Error::internalError("expireDue needs an outbox message factory");
    const char* dueQuery = db_.dialect() == Dialect::Postgres ? q::kSelectDuePg : q::kSelectDue;
    auto r = db_.transact([&](soci::session& sql) -> Result<void> {
        expired.clear();
        long long at = now;
        int lim = limit;
        std::vector<std::string> ids;
        {
            // Fully read before the updates below: SQLite must not have this cursor open while
            // the same connection writes the table it scans.
            std::string id;
            soci::statement st = (sql.prepare << dueQuery, soci::use(at), soci::use(lim), soci::into(id));
            st.execute(false);
            while (st.fetch()) ids.push_back(id);
        }
        std::string current;
        soci::statement expire = (sql.prepare << q::kExpireOrder, soci::use(at), soci::use(current));
        soci::statement deactivate = (sql.prepare << q::kDeactivateSeats, soci::use(current));
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

Result<std::vector<SeatClaim>> SqlOrderRepository::activeClaims(const ShowId& show) {
    std::vector<SeatClaim> claims;
    auto r = db_.run([&](soci::session& sql) {
        claims.clear();
        std::string seatId, orderId, userId, status;
        long long expires = 0;
        soci::statement st = (sql.prepare << q::kSelectActiveClaims, soci::use(show.str()), soci::into(seatId),
                              soci::into(orderId), soci::into(userId), soci::into(status), soci::into(expires));
        st.execute(false);
        while (st.fetch()) {
            // A sold seat has no window; a pending order's seats are free again once it closes.
            const bool sold = status == orderStatusName(OrderStatus::Confirmed);
            claims.push_back({seatId, OrderId{orderId}, UserId{userId}, sold ? 0 : expires});
        }
    });
    if (!r) return std::move(r).error();
    return claims;
}

Result<long long> SqlOrderRepository::outboxDepth() {
    long long depth = 0;
    auto r = db_.run([&](soci::session& sql) { sql << q::kCountUnpublished, soci::into(depth); });
    if (!r) return std::move(r).error();
    return depth;
}

}  // namespace boxoffice::sql
