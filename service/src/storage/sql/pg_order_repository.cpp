#include "storage/sql/pg_order_repository.hpp"

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/sql/order_rows.hpp"
#include "storage/sql/outbox_rows.hpp"
#include "storage/sql/pg_order_statements.hpp"
#include "storage/sql/pg_statements.hpp"

namespace boxoffice::sql {
namespace {

namespace q = pg_order_sql;

constexpr int kSeat = kOrderColumnCount;  // seat_id, tier, price_minor follow the order columns
constexpr int kTicket = kSeat + 3;        // code, show_id, user_id, issued_at, voided, when joined

std::string decimal(long long v) {
    return std::to_string(v);
}

std::optional<std::string> nonEmpty(const std::string& v) {
    if (v.empty()) return std::nullopt;
    return v;
}

void addOutboxParams(PgParams& params, const OutboxMessage& m) {
    params.insert(params.end(), {m.id, m.aggregateType, m.aggregateId, m.eventType, m.payload, outboxHeaders(m),
                                 decimal(m.createdAt)});
}

Order orderAt(const PgRows& r, int row) {
    OrderRecord rec;
    rec.id = r.text(row, 0);
    rec.showId = r.text(row, 1);
    rec.userId = r.text(row, 2);
    rec.holdId = r.text(row, 3);
    rec.status = r.text(row, 4);
    rec.amount = r.integer(row, 5);
    rec.currency = r.text(row, 6);
    rec.name = r.text(row, 7);
    rec.email = r.text(row, 8);
    rec.phone = r.optionalText(row, 9);
    rec.payment = r.optionalText(row, 10);
    rec.trace = r.optionalText(row, 11);
    rec.expires = r.integer(row, 12);
    rec.created = r.integer(row, 13);
    rec.updated = r.integer(row, 14);
    rec.confirmed = r.optionalInteger(row, 15);
    return toOrder(std::move(rec));
}

// Rows of orders joined with their seats (and, `withTickets`, the seats' tickets), each order's
// rows together and in seat order, as one Order per order id.
std::vector<Order> ordersFromRows(const PgRows& r, bool withTickets) {
    std::vector<Order> out;
    for (int i = 0; i < r.size(); ++i) {
        if (out.empty() || out.back().id.str() != r.text(i, 0)) out.push_back(orderAt(r, i));
        Order& o = out.back();
        if (r.null(i, kSeat)) continue;
        SeatId seatId{r.text(i, kSeat)};
        if (withTickets && !r.null(i, kTicket) && r.integer(i, kTicket + 4) == 0)
            o.tickets.push_back({r.text(i, kTicket),
                                 seatId,
                                 o.id,
                                 ShowId{r.text(i, kTicket + 1)},
                                 UserId{r.text(i, kTicket + 2)},
                                 r.integer(i, kTicket + 3),
                                 {}});
        if (o.seats.empty() || o.seats.back().seatId != seatId)
            o.seats.push_back({std::move(seatId), r.text(i, kSeat + 1), r.integer(i, kSeat + 2)});
    }
    if (withTickets)
        for (auto& o : out) settleRefundedStatus(o);
    return out;
}

std::optional<Order> oneOrder(const PgRows& r, bool withTickets) {
    auto orders = ordersFromRows(r, withTickets);
    if (orders.empty()) return std::nullopt;
    return std::move(orders.front());
}

long long countOf(const PgRows& r) {
    return r.size() == 0 ? 0 : r.integer(0, 0);
}

// One statement on a pooled session; its rows mapped by `map` (on the session's thread).
template <typename Map>
auto fetch(Database& db, const PgStatement& statement, const PgParams& params, Map map)
    -> Result<decltype(map(std::declval<const PgRows&>()))> {
    std::optional<decltype(map(std::declval<const PgRows&>()))> value;
    auto r = db.call([&](soci::session& session) -> Result<void> {
        auto out = pgExec(session, statement, params, db.preparedStatements());
        if (!out.ok()) return out.status().error;
        value = map(out.rows());
        return {};
    });
    if (!r) return std::move(r).error();
    return std::move(*value);
}

PgParams createParams(const Order& o, const OutboxMessage& created) {
    std::vector<std::string> seatIds, tiers;
    std::vector<long long> prices;
    for (const auto& s : sortedSeats(o)) {
        seatIds.push_back(s.seatId.str());
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
                    nonEmpty(o.customer.phone),
                    o.paymentReference,
                    nonEmpty(o.traceContext),
                    decimal(o.expiresAt),
                    decimal(o.createdAt),
                    decimal(o.updatedAt),
                    o.confirmedAt ? std::optional(decimal(*o.confirmedAt)) : std::nullopt,
                    pgTextArray(seatIds),
                    pgTextArray(tiers),
                    pgIntArray(prices)};
    addOutboxParams(params, created);
    return params;
}

}  // namespace

Result<void> PgOrderRepository::create(const Order& order, const OutboxMessage& created) {
    const PgParams params = createParams(order, created);
    std::vector<std::string> seatIds;
    for (const auto& s : order.seats) seatIds.push_back(s.seatId.str());
    for (int attempt = 1;; ++attempt) {
        std::optional<DbStatus> refused;
        auto r = db_.call([&](soci::session& session) -> Result<void> {
            refused.reset();
            auto out = pgExec(session, q::kCreate, params, db_.preparedStatements());
            if (out.ok()) return {};
            // Which unique index refused it is read back below, never parsed out of the message.
            if (!out.status().error.is(StoreFault::UniqueViolation)) return out.status().error;
            refused = out.status();
            return {};
        });
        if (!r) return r;
        if (!refused) return {};
        // Nothing of the order remains (one statement); which unique index refused it is read
        // back rather than parsed out of the server's message.
        auto same = fetch(db_, q::kSameOrderOrHold, {order.id.str(), order.holdId.str()}, countOf);
        if (!same) return std::move(same).error();
        // UNIQUE(hold_id) or the primary key: a retried checkout of a hold already ordered.
        if (*same > 0) return holdAlreadyOrdered(refused->error.internal);
        auto taken = fetch(db_, q::kTakenSeats, {order.showId.str(), pgTextArray(seatIds)}, [](const PgRows& rows) {
            std::vector<std::string> seats;
            for (int i = 0; i < rows.size(); ++i) seats.push_back(rows.text(i, 0));
            return seats;
        });
        if (!taken) return std::move(taken).error();
        if (!taken->empty()) return seatsUnavailable(std::move(taken).value());
        // The other order let go of the seat in between: worth another try, a bounded number of times.
        if (attempt >= kCreateAttempts) return refused->error;
    }
}

Result<Order> PgOrderRepository::find(const OrderId& id) {
    auto order = fetch(db_, q::kFind, {id.str()}, [](const PgRows& r) { return oneOrder(r, true); });
    if (!order) return std::move(order).error();
    if (!*order) return Error::notFound("order");
    return std::move(**order);
}

Result<Order> PgOrderRepository::transition(const OrderTransition& t) {
    if (t.to == OrderStatus::PaymentPending) return noTransitionBack(t.id);
    PgParams params;
    const PgStatement* statement = &q::kClose;
    if (t.to == OrderStatus::Confirmed) {
        std::vector<std::string> codes, seats;
        std::vector<long long> issued;
        for (const auto& ticket : t.tickets) {
            codes.push_back(ticket.code);
            seats.push_back(ticket.seatId.str());
            issued.push_back(ticket.issuedAt);
        }
        params = {t.paymentReference, decimal(t.now),     t.id.str(),
                  pgTextArray(codes), pgTextArray(seats), pgIntArray(issued)};
        statement = &q::kConfirm;
    } else {
        params = {std::string(orderStatusName(t.to)), decimal(t.now), t.id.str()};
    }
    addOutboxParams(params, t.message);
    auto after = fetch(db_, *statement, params, [](const PgRows& r) { return oneOrder(r, false); });
    if (!after) return std::move(after).error();
    if (*after) {
        Order o = std::move(**after);
        if (t.to == OrderStatus::Confirmed) {
            // Exactly the tickets just inserted, with the show and owner of the locked row.
            for (const auto& ticket : t.tickets)
                o.tickets.push_back({ticket.code, ticket.seatId, o.id, o.showId, o.userId, ticket.issuedAt, {}});
            std::sort(o.tickets.begin(), o.tickets.end(),
                      [](const Ticket& a, const Ticket& b) { return a.seatId < b.seatId; });
        }
        return o;
    }
    // Why the guarded change matched no row, read after the fact: the order is missing, or no
    // longer pending (a status never returns to PAYMENT_PENDING, so what was read still explains
    // the refusal), or, for a confirmation, its window has closed.
    auto state = fetch(db_, q::kState, {t.id.str()}, [](const PgRows& r) {
        return r.size() == 0 ? std::nullopt : std::optional(std::pair(r.text(0, 0), r.integer(0, 1)));
    });
    if (!state) return std::move(state).error();
    if (!*state) return Error::notFound("order");
    const auto& [status, expires] = **state;
    if (status != orderStatusName(OrderStatus::PaymentPending)) return notPending(status);
    if (t.to == OrderStatus::Confirmed && expires <= t.now) return orderExpired();
    return changedMeanwhile(t.id);
}

Result<std::vector<Order>> PgOrderRepository::ordersOf(const UserId& user, int limit, int offset) {
    if (limit <= 0) return std::vector<Order>{};
    return fetch(db_, q::kOrdersOfUser, {user.str(), decimal(limit), decimal(std::max(offset, 0))},
                 [](const PgRows& r) { return ordersFromRows(r, true); });
}

Result<std::vector<Ticket>> PgOrderRepository::ticketsOf(const UserId& user, int limit, int offset) {
    if (limit <= 0) return std::vector<Ticket>{};
    return fetch(db_, q::kTicketsOfUser, {user.str(), decimal(limit), decimal(std::max(offset, 0))},
                 [&user](const PgRows& r) {
                     std::vector<Ticket> tickets;
                     for (int i = 0; i < r.size(); ++i)
                         tickets.push_back({r.text(i, 0),
                                            SeatId{r.text(i, 3)},
                                            OrderId{r.text(i, 1)},
                                            ShowId{r.text(i, 2)},
                                            user,
                                            r.integer(i, 4),
                                            {}});
                     return tickets;
                 });
}

Result<std::vector<Order>> PgOrderRepository::expireDue(EpochMs now, int limit,
                                                        const std::function<OutboxMessage(const Order&)>& message) {
    std::vector<Order> expired;
    if (limit <= 0) return expired;
    if (!message) return Error::internalError("expireDue needs an outbox message factory");
    auto r = db_.call([&](soci::session& session) -> Result<void> {
        expired.clear();
        // The batch and its outbox rows commit together; a failure rolls both back.
        auto step = [&](PgOutcome out) -> Result<void> {
            if (out.ok()) return {};
            if (!out.is(DbFault::ConnectionLost)) (void)pgCommand(session, "ROLLBACK");
            return out.status().error;
        };
        if (auto begun = step(pgCommand(session, "BEGIN")); !begun) return begun;
        auto due = pgExec(session, q::kExpireDue, {decimal(now), decimal(limit)}, db_.preparedStatements());
        if (!due.ok()) return step(std::move(due));
        expired = ordersFromRows(due.rows(), false);
        if (!expired.empty()) {
            std::vector<std::string> ids, types, aggregates, events, payloads, headers;
            std::vector<long long> createdAt;
            for (const auto& o : expired) {
                const OutboxMessage m = message(o);
                ids.push_back(m.id);
                types.push_back(m.aggregateType);
                aggregates.push_back(m.aggregateId);
                events.push_back(m.eventType);
                payloads.push_back(m.payload);
                headers.push_back(outboxHeaders(m));
                createdAt.push_back(m.createdAt);
            }
            const PgParams rows{pgTextArray(ids),     pgTextArray(types),    pgTextArray(aggregates),
                                pgTextArray(events),  pgTextArray(payloads), pgTextArray(headers),
                                pgIntArray(createdAt)};
            if (auto written = step(pgExec(session, q::kInsertOutboxRows, rows, db_.preparedStatements())); !written)
                return written;
        }
        return step(pgCommand(session, "COMMIT"));
    });
    if (!r) return std::move(r).error();
    return expired;
}

Result<std::vector<SeatClaim>> PgOrderRepository::activeClaims(const ShowId& show) {
    return fetch(db_, q::kActiveClaims, {show.str()}, [](const PgRows& r) {
        std::vector<SeatClaim> claims;
        for (int i = 0; i < r.size(); ++i) {
            // A sold seat has no window; a pending order's seats are free again once it closes.
            const bool sold = r.text(i, 3) == orderStatusName(OrderStatus::Confirmed);
            claims.push_back(
                {SeatId{r.text(i, 0)}, OrderId{r.text(i, 1)}, UserId{r.text(i, 2)}, sold ? 0 : r.integer(i, 4)});
        }
        return claims;
    });
}

Result<long long> PgOrderRepository::soldSeatCount(const ShowId& show) {
    return fetch(db_, q::kCountSold, {show.str()}, countOf);
}

Result<long long> PgOrderRepository::outboxDepth() {
    return fetch(db_, q::kCountUnpublished, {}, countOf);
}

}  // namespace boxoffice::sql
