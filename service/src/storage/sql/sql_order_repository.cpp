#include "storage/sql/sql_order_repository.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/sql/one_shot.hpp"
#include "storage/sql/pg_prepared.hpp"
#include "storage/sql/sql_errors.hpp"

namespace boxoffice::sql {
namespace {

// Every statement here runs as a one-time query (one_shot.hpp): one round trip on PostgreSQL.
// On PostgreSQL, each change of an order is one statement (data-modifying CTEs), so it commits on
// its own without BEGIN/COMMIT round trips and returns what the caller needs. SQLite has no
// data-modifying CTEs: there the same change is a short transaction of simple statements.
namespace q {
#define BOXOFFICE_ORDER_COLUMNS                                                                      \
    "id, show_id, user_id, hold_id, status, amount_minor, currency, customer_name, customer_email, " \
    "customer_phone, payment_reference, trace_context, expires_at, created_at, updated_at, confirmed_at"
#define BOXOFFICE_ORDER_COLUMNS_OF(t)                                                                                \
    t ".id, " t ".show_id, " t ".user_id, " t ".hold_id, " t ".status, " t ".amount_minor, " t ".currency, " t       \
      ".customer_name, " t ".customer_email, " t ".customer_phone, " t ".payment_reference, " t ".trace_context, " t \
      ".expires_at, " t ".created_at, " t ".updated_at, " t ".confirmed_at"
#define BOXOFFICE_ORDER_VALUES                                                                                    \
    "(:id, :show, :user, :hold, :status, :amount, :currency, :name, :email, :phone, :payment, :trace, :expires, " \
    ":created, :updated, :confirmed)"
#define BOXOFFICE_OUTBOX_COLUMNS \
    "outbox (id, aggregate_type, aggregate_id, event_type, payload, headers, created_at, available_at)"
#define BOXOFFICE_OUTBOX_VALUES ":mid, :mtype, :maggregate, :mevent, :mpayload, :mheaders, :mcreated, :mavailable"

constexpr const char* kInsertOrder = "INSERT INTO orders (" BOXOFFICE_ORDER_COLUMNS ") VALUES " BOXOFFICE_ORDER_VALUES;
constexpr const char* kInsertOrderSeat =
    "INSERT INTO order_seats (order_id, show_id, seat_id, tier, price_minor, active) "
    "VALUES (:order, :show, :seat, :tier, :price, 1)";
constexpr const char* kInsertOutbox = "INSERT INTO " BOXOFFICE_OUTBOX_COLUMNS " VALUES (" BOXOFFICE_OUTBOX_VALUES ")";
// After a unique violation: was it this order or its hold (a retried checkout)?
constexpr const char* kCountSameOrderOrHold = "SELECT COUNT(*) FROM orders WHERE id = :id OR hold_id = :hold";
// Completed by " IN (:s0, :s1, ...) ORDER BY seat_id" for the seats asked about.
constexpr const char* kSelectTakenSeatsPrefix =
    "SELECT seat_id FROM order_seats WHERE show_id = :show AND active = 1 AND seat_id IN (";
constexpr const char* kOrderColumns = "SELECT " BOXOFFICE_ORDER_COLUMNS " FROM orders ";
// The order with its seats and their tickets in one statement, hence one snapshot. Voided
// tickets are skipped by the caller, not by `voided = 0` here: that predicate lets the planner
// (before any ANALYZE, as in a sale on fresh tables) pick the partial index
// tickets_one_valid_per_seat and walk all of it for every seat.
constexpr const char* kFindOrder =
    "SELECT " BOXOFFICE_ORDER_COLUMNS_OF("o") ", s.seat_id, s.tier, s.price_minor, t.code, t.show_id, t.user_id, "
    "t.issued_at, t.voided FROM orders o LEFT JOIN order_seats s ON s.order_id = o.id "
    "LEFT JOIN tickets t ON t.order_id = o.id AND t.seat_id = s.seat_id "
    "WHERE o.id = :id ORDER BY s.seat_id";
constexpr const char* kSelectSeats =
    "SELECT seat_id, tier, price_minor FROM order_seats WHERE order_id = :id ORDER BY seat_id";
constexpr const char* kSelectTicketsOfOrder =
    "SELECT code, seat_id, show_id, user_id, issued_at FROM tickets WHERE order_id = :id AND voided = 0 "
    "ORDER BY seat_id";
// What a refused change found, for its error: read after the fact, and only on that rare path.
constexpr const char* kSelectState = "SELECT status, expires_at FROM orders WHERE id = :id";
// SQLite needs no row lock: Database::transact opens its transactions with BEGIN IMMEDIATE, so
// the whole database is write-locked before this SELECT runs.
constexpr const char* kLockOrder = "SELECT status, expires_at, show_id, user_id FROM orders WHERE id = :id";
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
// PostgreSQL: prepared once per connection (pg_prepared.hpp), so $n placeholders.
#define BOXOFFICE_PG_OUTBOX_VALUES(a, b, c, d, e, f, g) \
    "$" a ", $" b ", $" c ", $" d ", $" e ", $" f ", CAST($" g " AS BIGINT), CAST($" g " AS BIGINT)"
// The order, its seats (one array parameter each: any number of seats, one statement text) and
// its outbox row in one autocommit statement. A unique violation anywhere aborts all of it.
constexpr PgStatement kCreatePg{
    "bx_order_create",
    "WITH placed AS (INSERT INTO orders (" BOXOFFICE_ORDER_COLUMNS
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
    "$10, $11, $12, $13, $14, $15, $16) RETURNING id, show_id), "
    "seated AS (INSERT INTO order_seats (order_id, show_id, seat_id, tier, price_minor, active) "
    "SELECT placed.id, placed.show_id, s.seat_id, s.tier, s.price_minor, 1 FROM placed CROSS JOIN "
    "unnest(CAST($17 AS TEXT[]), CAST($18 AS TEXT[]), CAST($19 AS BIGINT[])) AS s(seat_id, tier, price_minor)) "
    "INSERT INTO " BOXOFFICE_OUTBOX_COLUMNS
    " SELECT " BOXOFFICE_PG_OUTBOX_VALUES("20", "21", "22", "23", "24", "25", "26")};
constexpr PgStatement kFindPg{
    "bx_order_find",
    "SELECT " BOXOFFICE_ORDER_COLUMNS_OF("o") ", s.seat_id, s.tier, s.price_minor, t.code, t.show_id, t.user_id, "
    "t.issued_at, t.voided FROM orders o LEFT JOIN order_seats s ON s.order_id = o.id "
    "LEFT JOIN tickets t ON t.order_id = o.id AND t.seat_id = s.seat_id WHERE o.id = $1 ORDER BY s.seat_id"};
// Confirmation, one autocommit statement: the UPDATE takes the row lock and its WHERE is
// re-checked on the latest row version once the lock is granted (READ COMMITTED), so "still
// pending and unexpired" is decided under the lock; tickets and the outbox row are written only
// from the row it changed, with show and user taken from that row, never from the caller. Of
// concurrent confirms, expiries and cancellations exactly one UPDATE matches.
constexpr PgStatement kConfirmPg{
    "bx_order_confirm",
    "WITH changed AS (UPDATE orders SET status = 'CONFIRMED', payment_reference = $1, confirmed_at = $2, "
    "updated_at = $2 WHERE id = $3 AND status = 'PAYMENT_PENDING' AND expires_at > $2 "
    "RETURNING " BOXOFFICE_ORDER_COLUMNS "), "
    "issued AS (INSERT INTO tickets (code, order_id, show_id, seat_id, user_id, issued_at, voided) "
    "SELECT t.code, changed.id, changed.show_id, t.seat_id, changed.user_id, t.issued_at, 0 FROM changed CROSS JOIN "
    "unnest(CAST($4 AS TEXT[]), CAST($5 AS TEXT[]), CAST($6 AS BIGINT[])) AS t(code, seat_id, issued_at)), "
    "announced AS (INSERT INTO " BOXOFFICE_OUTBOX_COLUMNS " SELECT " BOXOFFICE_PG_OUTBOX_VALUES(
        "7", "8", "9", "10", "11", "12", "13") " FROM changed) "
    "SELECT " BOXOFFICE_ORDER_COLUMNS_OF("changed") ", s.seat_id, s.tier, s.price_minor "
    "FROM changed LEFT JOIN order_seats s ON s.order_id = changed.id ORDER BY s.seat_id"};
// Expiry, cancellation, failure, one autocommit statement: the order leaves PAYMENT_PENDING and
// its seats are freed for the partial unique index in the same commit.
constexpr PgStatement kClosePg{
    "bx_order_close",
    "WITH changed AS (UPDATE orders SET status = $1, updated_at = $2 WHERE id = $3 AND status = 'PAYMENT_PENDING' "
    "RETURNING " BOXOFFICE_ORDER_COLUMNS "), "
    "freed AS (UPDATE order_seats SET active = 0 WHERE order_id IN (SELECT id FROM changed) "
    "RETURNING seat_id, tier, price_minor), "
    "announced AS (INSERT INTO " BOXOFFICE_OUTBOX_COLUMNS " SELECT " BOXOFFICE_PG_OUTBOX_VALUES(
        "4", "5", "6", "7", "8", "9", "10") " FROM changed) "
    "SELECT " BOXOFFICE_ORDER_COLUMNS_OF("changed") ", freed.seat_id, freed.tier, freed.price_minor "
    "FROM changed LEFT JOIN freed ON TRUE ORDER BY freed.seat_id"};
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
constexpr const char* kCountSold =
    "SELECT COUNT(*) FROM order_seats s JOIN orders o ON o.id = s.order_id "
    "WHERE s.show_id = :show AND s.active = 1 AND o.status = 'CONFIRMED'";
#undef BOXOFFICE_ORDER_COLUMNS
#undef BOXOFFICE_ORDER_COLUMNS_OF
#undef BOXOFFICE_ORDER_VALUES
#undef BOXOFFICE_OUTBOX_COLUMNS
#undef BOXOFFICE_OUTBOX_VALUES
#undef BOXOFFICE_PG_OUTBOX_VALUES
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

// Binds the order columns (in the order of the column lists above) into `r`.
void bindOrder(soci::statement& st, OrderRow& r) {
    st.exchange(soci::into(r.id));
    st.exchange(soci::into(r.showId));
    st.exchange(soci::into(r.userId));
    st.exchange(soci::into(r.holdId));
    st.exchange(soci::into(r.status));
    st.exchange(soci::into(r.amount));
    st.exchange(soci::into(r.currency));
    st.exchange(soci::into(r.name));
    st.exchange(soci::into(r.email));
    st.exchange(soci::into(r.phone, r.phoneInd));
    st.exchange(soci::into(r.payment, r.paymentInd));
    st.exchange(soci::into(r.trace, r.traceInd));
    st.exchange(soci::into(r.expires));
    st.exchange(soci::into(r.created));
    st.exchange(soci::into(r.updated));
    st.exchange(soci::into(r.confirmed, r.confirmedInd));
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

// A seat column triple of a LEFT JOIN: absent (all NULL) for an order without seats.
struct SeatColumns {
    std::string seatId, tier;
    long long price = 0;
    soci::indicator seatInd = soci::i_null, tierInd = soci::i_null, priceInd = soci::i_null;

    void bind(soci::statement& st) {
        st.exchange(soci::into(seatId, seatInd));
        st.exchange(soci::into(tier, tierInd));
        st.exchange(soci::into(price, priceInd));
    }
    void addTo(Order& o) const {
        if (seatInd == soci::i_ok) o.seats.push_back({seatId, tier, price});
    }
};

// Runs a statement that returns one row per seat of one order (order columns first, then the seat
// columns bound by the caller; rows of one seat in a row); nullopt when it returns no row.
// `perRow` sees every row after its seat was added.
std::optional<Order> fetchOrderPerSeat(soci::statement& st, OrderRow& row, SeatColumns& seat,
                                       const std::function<void(Order&)>& perRow = {}) {
    st.execute(false);
    std::optional<Order> order;
    while (st.fetch()) {
        if (!order) order = toOrder(row);
        if (order->seats.empty() || order->seats.back().seatId != seat.seatId) seat.addTo(*order);
        if (perRow) perRow(*order);
    }
    return order;
}

void loadSeats(soci::session& sql, Order& o) {
    std::string seatId, tier;
    long long price = 0;
    soci::statement st =
        oneShot(sql, q::kSelectSeats, soci::use(o.id.str()), soci::into(seatId), soci::into(tier), soci::into(price));
    st.execute(false);
    while (st.fetch()) o.seats.push_back({seatId, tier, price});
}

void loadTickets(soci::session& sql, Order& o) {
    std::string code, seatId, showId, userId;
    long long issued = 0;
    soci::statement st = oneShot(sql, q::kSelectTicketsOfOrder, soci::use(o.id.str()), soci::into(code),
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
    SeatColumns seat;
    std::string code, ticketShow, ticketUser;
    long long issued = 0;
    int voided = 0;
    soci::indicator codeInd = soci::i_null, showInd = soci::i_null, userInd = soci::i_null, issuedInd = soci::i_null,
                    voidedInd = soci::i_null;
    soci::statement st(sql);
    bindOrder(st, row);
    seat.bind(st);
    st.exchange(soci::into(code, codeInd));
    st.exchange(soci::into(ticketShow, showInd));
    st.exchange(soci::into(ticketUser, userInd));
    st.exchange(soci::into(issued, issuedInd));
    st.exchange(soci::into(voided, voidedInd));
    st.exchange(soci::use(id));
    prepareOneShot(st, q::kFindOrder);
    return fetchOrderPerSeat(st, row, seat, [&](Order& o) {
        if (codeInd == soci::i_ok && voided == 0 && seat.seatInd == soci::i_ok) {
            o.tickets.push_back({code, seat.seatId, o.id, ShowId{ticketShow}, UserId{ticketUser}, issued});
        }
    });
}

struct OrderParams {
    std::string status, payment;
    long long amount = 0, expires = 0, created = 0, updated = 0, confirmed = 0;
    soci::indicator phoneInd = soci::i_null, paymentInd = soci::i_null, traceInd = soci::i_null,
                    confirmedInd = soci::i_null;

    explicit OrderParams(const Order& o)
        : status(orderStatusName(o.status)),
          payment(o.paymentReference.value_or("")),
          amount(o.amountMinor),
          expires(o.expiresAt),
          created(o.createdAt),
          updated(o.updatedAt),
          confirmed(o.confirmedAt.value_or(0)),
          phoneInd(o.customer.phone.empty() ? soci::i_null : soci::i_ok),
          paymentInd(o.paymentReference ? soci::i_ok : soci::i_null),
          traceInd(o.traceContext.empty() ? soci::i_null : soci::i_ok),
          confirmedInd(o.confirmedAt ? soci::i_ok : soci::i_null) {}

    // Binds the placeholders of BOXOFFICE_ORDER_VALUES; `o` must outlive the statement.
    void bind(soci::statement& st, const Order& o) {
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
    }
};

struct OutboxParams {
    std::string headers;
    long long created = 0;

    explicit OutboxParams(const OutboxMessage& m)
        : headers(m.headers.empty() ? std::string("{}") : m.headers), created(m.createdAt) {}

    // Binds the placeholders of BOXOFFICE_OUTBOX_VALUES; `m` must outlive the statement.
    void bind(soci::statement& st, const OutboxMessage& m) {
        st.exchange(soci::use(m.id));
        st.exchange(soci::use(m.aggregateType));
        st.exchange(soci::use(m.aggregateId));
        st.exchange(soci::use(m.eventType));
        st.exchange(soci::use(m.payload));
        st.exchange(soci::use(headers));
        st.exchange(soci::use(created));
        st.exchange(soci::use(created));
    }
};

void insertOrder(soci::session& sql, const Order& o) {
    OrderParams p(o);
    soci::statement st(sql);
    p.bind(st, o);
    prepareOneShot(st, q::kInsertOrder);
    st.execute(true);
}

// Seats go in sorted by id, whatever order the hold listed them in: two orders racing for
// overlapping seats then wait on each other in one order and cannot deadlock.
std::vector<OrderSeat> sortedSeats(const Order& o) {
    std::vector<OrderSeat> seats = o.seats;
    std::sort(seats.begin(), seats.end(), [](const OrderSeat& a, const OrderSeat& b) { return a.seatId < b.seatId; });
    return seats;
}

void insertSeats(soci::session& sql, const Order& o) {
    std::string seatId, tier;
    long long price = 0;
    soci::statement st = oneShot(sql, q::kInsertOrderSeat, soci::use(o.id.str()), soci::use(o.showId.str()),
                                 soci::use(seatId), soci::use(tier), soci::use(price));
    for (const auto& s : sortedSeats(o)) {
        seatId = s.seatId;
        tier = s.tier;
        price = s.priceMinor;
        st.execute(true);
    }
}

void insertOutbox(soci::session& sql, const OutboxMessage& m) {
    OutboxParams p(m);
    soci::statement st(sql);
    p.bind(st, m);
    prepareOneShot(st, q::kInsertOutbox);
    st.execute(true);
}

std::string decimal(long long v) {
    return std::to_string(v);
}

std::optional<std::string> optional(const std::string& v) {
    if (v.empty()) return std::nullopt;
    return v;
}

// The outbox parameters of the PostgreSQL statements, in the order of BOXOFFICE_PG_OUTBOX_VALUES.
void addOutboxParams(PgParams& params, const OutboxMessage& m) {
    params.insert(params.end(), {m.id, m.aggregateType, m.aggregateId, m.eventType, m.payload,
                                 m.headers.empty() ? std::string("{}") : m.headers, decimal(m.createdAt)});
}

// The order columns (BOXOFFICE_ORDER_COLUMNS, from column 0) of `row`.
Order orderOf(const PgRows& r, int row) {
    Order o;
    o.id = OrderId{r.text(row, 0)};
    o.showId = ShowId{r.text(row, 1)};
    o.userId = UserId{r.text(row, 2)};
    o.holdId = HoldId{r.text(row, 3)};
    // The CHECK constraint on orders.status admits only names parseOrderStatus knows.
    o.status = parseOrderStatus(r.text(row, 4)).value_or(OrderStatus::Failed);
    o.amountMinor = r.integer(row, 5);
    o.currency = r.text(row, 6);
    o.customer.name = r.text(row, 7);
    o.customer.email = r.text(row, 8);
    o.customer.phone = r.optionalText(row, 9).value_or("");
    o.paymentReference = r.optionalText(row, 10);
    o.traceContext = r.optionalText(row, 11).value_or("");
    o.expiresAt = r.integer(row, 12);
    o.createdAt = r.integer(row, 13);
    o.updatedAt = r.integer(row, 14);
    o.confirmedAt = r.optionalInteger(row, 15);
    return o;
}

constexpr int kSeatColumn = 16;  // seat_id, tier, price_minor follow the order columns

// Rows of one order, one (or more, for its tickets) per seat in seat order; nullopt for none.
std::optional<Order> orderPerSeat(const PgRows& r) {
    if (r.size() == 0) return std::nullopt;
    Order o = orderOf(r, 0);
    for (int i = 0; i < r.size(); ++i) {
        if (r.null(i, kSeatColumn)) continue;
        std::string seatId = r.text(i, kSeatColumn);
        if (!o.seats.empty() && o.seats.back().seatId == seatId) continue;
        o.seats.push_back({std::move(seatId), r.text(i, kSeatColumn + 1), r.integer(i, kSeatColumn + 2)});
    }
    return o;
}

void createPg(soci::session& sql, const Order& o, const OutboxMessage& created) {
    std::vector<std::string> seatIds, tiers;
    std::vector<long long> prices;
    for (const auto& s : sortedSeats(o)) {
        seatIds.push_back(s.seatId);
        tiers.push_back(s.tier);
        prices.push_back(s.priceMinor);
    }
    PgParams params{o.id.str(),
                    o.showId.str(),
                    o.userId.str(),
                    o.holdId.str(),
                    std::string(orderStatusName(o.status)),
                    decimal(o.amountMinor),
                    o.currency,
                    o.customer.name,
                    o.customer.email,
                    optional(o.customer.phone),
                    o.paymentReference,
                    optional(o.traceContext),
                    decimal(o.expiresAt),
                    decimal(o.createdAt),
                    decimal(o.updatedAt),
                    o.confirmedAt ? std::optional(decimal(*o.confirmedAt)) : std::nullopt,
                    pgTextArray(seatIds),
                    pgTextArray(tiers),
                    pgIntArray(prices)};
    addOutboxParams(params, created);
    pgExecPrepared(sql, q::kCreatePg, params);
}

std::optional<Order> loadOrderPg(soci::session& sql, const std::string& id) {
    const PgRows r = pgExecPrepared(sql, q::kFindPg, {id});
    auto o = orderPerSeat(r);
    if (!o) return o;
    // Columns after the seat: code, show_id, user_id, issued_at, voided of its ticket, if any.
    constexpr int kTicket = kSeatColumn + 3;
    for (int i = 0; i < r.size(); ++i) {
        if (r.null(i, kSeatColumn) || r.null(i, kTicket) || r.integer(i, kTicket + 4) != 0) continue;
        o->tickets.push_back({r.text(i, kTicket), r.text(i, kSeatColumn), o->id, ShowId{r.text(i, kTicket + 1)},
                              UserId{r.text(i, kTicket + 2)}, r.integer(i, kTicket + 3)});
    }
    return o;
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
        prepareOneShot(st, query);
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

Error notPendingError(const std::string& status) {
    return {ErrorCode::Conflict, "order is " + status, {}, {}, {}};
}

Error orderExpiredError() {
    return {ErrorCode::OrderExpired, "the payment window of this order has closed", {}, {}, {}};
}

// Why a guarded PostgreSQL change matched no row, read after the fact: the order is missing, or
// no longer pending (a status never returns to PAYMENT_PENDING, so what was read still explains
// the refusal), or, for a confirmation, its window has closed.
Error explainRefusal(soci::session& sql, const OrderTransition& t) {
    std::string status;
    long long expires = 0;
    soci::statement st = oneShot(sql, q::kSelectState, soci::use(t.id.str()), soci::into(status), soci::into(expires));
    st.execute(true);
    if (!st.got_data()) return Error::notFound("order");
    if (status != orderStatusName(OrderStatus::PaymentPending)) return notPendingError(status);
    if (t.to == OrderStatus::Confirmed && expires <= t.now) return orderExpiredError();
    return changedMeanwhile(t.id);
}

// One statement (kConfirmPg or kClosePg); the order after the change, or why there was none.
Result<Order> transitionPg(soci::session& sql, const OrderTransition& t) {
    std::optional<Order> after;
    if (t.to == OrderStatus::Confirmed) {
        std::vector<std::string> codes, seats;
        std::vector<long long> issued;
        for (const auto& ticket : t.tickets) {
            codes.push_back(ticket.code);
            seats.push_back(ticket.seatId);
            issued.push_back(ticket.issuedAt);
        }
        PgParams params{t.paymentReference, decimal(t.now),     t.id.str(),
                        pgTextArray(codes), pgTextArray(seats), pgIntArray(issued)};
        addOutboxParams(params, t.message);
        after = orderPerSeat(pgExecPrepared(sql, q::kConfirmPg, params));
        if (after) {
            // Exactly the tickets just inserted, with the show and owner of the locked row.
            for (const auto& ticket : t.tickets) {
                after->tickets.push_back(
                    {ticket.code, ticket.seatId, after->id, after->showId, after->userId, ticket.issuedAt});
            }
            std::sort(after->tickets.begin(), after->tickets.end(),
                      [](const Ticket& a, const Ticket& b) { return a.seatId < b.seatId; });
        }
    } else {
        PgParams params{std::string(orderStatusName(t.to)), decimal(t.now), t.id.str()};
        addOutboxParams(params, t.message);
        after = orderPerSeat(pgExecPrepared(sql, q::kClosePg, params));
    }
    if (after) return std::move(*after);
    return explainRefusal(sql, t);
}

// The same change on SQLite: a transaction (write-locked from BEGIN IMMEDIATE) of simple statements.
Result<Order> transitionSqlite(Database& db, const OrderTransition& t) {
    std::optional<Order> after;
    auto r = db.transact([&](soci::session& sql) -> Result<void> {
        after.reset();
        std::string status, showId, userId;
        long long expires = 0;
        const long long now = t.now;
        soci::statement lock = oneShot(sql, q::kLockOrder, soci::use(t.id.str()), soci::into(status),
                                       soci::into(expires), soci::into(showId), soci::into(userId));
        lock.execute(true);
        if (!lock.got_data()) return Error::notFound("order");
        if (status != orderStatusName(OrderStatus::PaymentPending)) return notPendingError(status);

        if (t.to == OrderStatus::Confirmed) {
            if (expires <= now) return orderExpiredError();
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
                seatId = ticket.seatId;
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

}  // namespace

Result<void> SqlOrderRepository::create(const Order& order, const OutboxMessage& created) {
    for (int attempt = 1;; ++attempt) {
        Result<void> r = db_.dialect() == Dialect::Postgres
                             ? db_.run([&](soci::session& sql) { createPg(sql, order, created); })
                             : db_.transact([&](soci::session& sql) -> Result<void> {
                                   insertOrder(sql, order);
                                   insertSeats(sql, order);
                                   insertOutbox(sql, created);
                                   return {};
                               });
        if (r.ok()) return r;
        Error error = std::move(r).error();
        if (!isUniqueViolation(error)) return error;
        // Nothing of the order remains (one statement, or a rolled-back transaction); which unique
        // index refused it is read back rather than parsed out of a server message.
        long long same = 0;
        auto counted = db_.run([&](soci::session& sql) {
            sql << q::kCountSameOrderOrHold, soci::use(order.id.str()), soci::use(order.holdId.str()), soci::into(same);
        });
        if (!counted) return std::move(counted).error();
        if (same > 0) {
            // UNIQUE(hold_id) or the primary key: a retried checkout of a hold already ordered.
            return Error{
                ErrorCode::Conflict, "an order for this hold already exists", {}, {}, std::move(error.internal)};
        }
        auto taken = takenSeats(db_, order);
        if (!taken) return std::move(taken).error();
        if (!taken->empty()) return seatsUnavailable(std::move(taken).value());
        if (attempt >= kCreateAttempts) return error;
    }
}

Result<Order> SqlOrderRepository::find(const OrderId& id) {
    std::optional<Order> order;
    const bool pg = db_.dialect() == Dialect::Postgres;
    auto r = db_.run([&](soci::session& sql) { order = pg ? loadOrderPg(sql, id.str()) : loadOrder(sql, id.str()); });
    if (!r) return std::move(r).error();
    if (!order) return Error::notFound("order");
    return std::move(*order);
}

Result<Order> SqlOrderRepository::transition(const OrderTransition& t) {
    if (t.to == OrderStatus::PaymentPending) {
        return Error::internalError("order " + t.id.str() + ": no transition leads back to PAYMENT_PENDING");
    }
    if (db_.dialect() != Dialect::Postgres) return transitionSqlite(db_, t);
    std::optional<Result<Order>> outcome;
    auto r = db_.run([&](soci::session& sql) { outcome = transitionPg(sql, t); });
    if (!r) return std::move(r).error();
    return std::move(*outcome);
}

Result<std::vector<Order>> SqlOrderRepository::ordersOf(const UserId& user, int limit, int offset) {
    std::vector<Order> orders;
    if (limit <= 0) return orders;
    int lim = limit, off = offset < 0 ? 0 : offset;
    auto r = db_.run([&](soci::session& sql) {
        orders.clear();
        OrderRow row;
        {
            soci::statement st(sql);
            bindOrder(st, row);
            st.exchange(soci::use(user.str()));
            st.exchange(soci::use(lim));
            st.exchange(soci::use(off));
            prepareOneShot(st, std::string(q::kOrderColumns) + q::kSelectOrdersOfUser);
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
            oneShot(sql, q::kSelectTicketsOfUser, soci::use(user.str()), soci::use(lim), soci::use(off),
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
            soci::statement st = oneShot(sql, dueQuery, soci::use(at), soci::use(lim), soci::into(id));
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

Result<std::vector<SeatClaim>> SqlOrderRepository::activeClaims(const ShowId& show) {
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
            claims.push_back({seatId, OrderId{orderId}, UserId{userId}, sold ? 0 : expires});
        }
    });
    if (!r) return std::move(r).error();
    return claims;
}

Result<long long> SqlOrderRepository::soldSeatCount(const ShowId& show) {
    long long sold = 0;
    auto r = db_.run([&](soci::session& sql) { sql << q::kCountSold, soci::use(show.str()), soci::into(sold); });
    if (!r) return std::move(r).error();
    return sold;
}

Result<long long> SqlOrderRepository::outboxDepth() {
    long long depth = 0;
    auto r = db_.run([&](soci::session& sql) { sql << q::kCountUnpublished, soci::into(depth); });
    if (!r) return std::move(r).error();
    return depth;
}

}  // namespace boxoffice::sql
