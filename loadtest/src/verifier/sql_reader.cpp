#include "verifier/sql_reader.hpp"

#include <libpq-fe.h>

#include <memory>
#include <stdexcept>
#include <vector>

namespace boxoffice::load {
namespace {

struct ConnCloser {
    void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultClearer {
    void operator()(PGresult* r) const { PQclear(r); }
};
using Conn = std::unique_ptr<PGconn, ConnCloser>;
using Rows = std::unique_ptr<PGresult, ResultClearer>;

constexpr const char* kBegin = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
// Statements of the snapshot; every one takes the show id as $1.
constexpr const char* kOrders = "SELECT id, user_id, status, expires_at FROM orders WHERE show_id = $1";
constexpr const char* kOrderSeats =
    "SELECT os.order_id, os.seat_id, os.active FROM order_seats os JOIN orders o ON o.id = os.order_id "
    "WHERE o.show_id = $1 OR os.show_id = $1";
constexpr const char* kTickets =
    "SELECT code, order_id, seat_id, user_id FROM tickets WHERE show_id = $1 AND voided = 0";
constexpr const char* kVoidedTickets =
    "SELECT order_id, count(*) FROM tickets WHERE show_id = $1 AND voided = 1 GROUP BY order_id";
constexpr const char* kSeatCount =
    "SELECT v.seat_count FROM shows s JOIN venues v ON v.id = s.venue_id WHERE s.id = $1";
constexpr const char* kNow = "SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint";
constexpr const char* kConfirmedSeats =
    "SELECT os.seat_id FROM order_seats os JOIN orders o ON o.id = os.order_id "
    "WHERE o.show_id = $1 AND o.status = 'CONFIRMED'";
// starts_with (PostgreSQL 11+), not LIKE: a `_` in the prefix matches only itself.
constexpr const char* kKeysInProgress =
    "SELECT user_id, idem_key FROM idempotency_keys WHERE status_code IS NULL "
    "AND starts_with(user_id, $1) ORDER BY user_id, idem_key";
constexpr const char* kPending = "SELECT count(*) FROM orders WHERE show_id = $1 AND status = 'PAYMENT_PENDING'";

Conn connect(const std::string& url) {
    const char* keys[] = {"dbname", "connect_timeout", "application_name", nullptr};
    const char* values[] = {url.c_str(), "5", "boxoffice-verifier", nullptr};
    Conn c(PQconnectdbParams(keys, values, 1));  // expand_dbname: `dbname` may be a URL
    if (!c || PQstatus(c.get()) != CONNECTION_OK)
        throw std::runtime_error(std::string("cannot connect to PostgreSQL: ") +
                                 (c ? PQerrorMessage(c.get()) : "out of memory"));
    return c;
}

Rows exec(PGconn* c, const char* sql, const std::string* param = nullptr) {
    const char* values[1] = {param != nullptr ? param->c_str() : nullptr};
    Rows r(PQexecParams(c, sql, param != nullptr ? 1 : 0, nullptr, values, nullptr, nullptr, 0));
    const auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        throw std::runtime_error(std::string("PostgreSQL: ") + sql + ": " + PQerrorMessage(c));
    return r;
}

std::string text(const Rows& r, int row, int col) {
    return PQgetvalue(r.get(), row, col);
}
long long number(const Rows& r, int row, int col) {
    return std::stoll(PQgetvalue(r.get(), row, col));
}

}  // namespace

ServerState readDatabase(const std::string& postgresUrl, const std::string& showId) {
    Conn c = connect(postgresUrl);
    ServerState state;
    state.source = "db";
    exec(c.get(), kBegin);
    exec(c.get(), "SET LOCAL statement_timeout = '30s'");
    state.nowMs = number(exec(c.get(), kNow), 0, 0);
    const Rows seats = exec(c.get(), kSeatCount, &showId);
    if (PQntuples(seats.get()) == 0) throw std::runtime_error("show " + showId + " is not in the database");
    state.showSeatCount = number(seats, 0, 0);

    const Rows orders = exec(c.get(), kOrders, &showId);
    for (int i = 0; i < PQntuples(orders.get()); ++i) {
        ServerOrder o;
        o.orderId = text(orders, i, 0);
        o.userId = text(orders, i, 1);
        o.status = text(orders, i, 2);
        o.expiresAtMs = number(orders, i, 3);
        o.flaggedActiveSeatIds.emplace();
        state.orders[o.orderId] = std::move(o);
    }
    const Rows rows = exec(c.get(), kOrderSeats, &showId);
    for (int i = 0; i < PQntuples(rows.get()); ++i) {
        auto it = state.orders.find(text(rows, i, 0));
        if (it == state.orders.end()) continue;  // a row of another show's order under this show id
        const std::string seat = text(rows, i, 1);
        it->second.seatIds.push_back(seat);
        if (number(rows, i, 2) == 1) it->second.flaggedActiveSeatIds->push_back(seat);
    }
    const Rows tickets = exec(c.get(), kTickets, &showId);
    for (int i = 0; i < PQntuples(tickets.get()); ++i) {
        ServerTicket t{text(tickets, i, 0), text(tickets, i, 1), text(tickets, i, 2), text(tickets, i, 3)};
        auto it = state.orders.find(t.orderId);
        if (it != state.orders.end()) it->second.tickets.push_back(t);
        state.tickets.push_back(std::move(t));
    }
    // A whole refund is stored as a CONFIRMED order whose tickets are all voided, and the service
    // shows it REFUNDED (domain/booking settleRefundedStatus); read it so here too, but only when
    // each of its seats has a voided ticket: a confirmed order that never got its tickets stays
    // CONFIRMED and is caught by the ticket checks.
    const Rows voided = exec(c.get(), kVoidedTickets, &showId);
    for (int i = 0; i < PQntuples(voided.get()); ++i) {
        auto it = state.orders.find(text(voided, i, 0));
        if (it == state.orders.end()) continue;
        ServerOrder& o = it->second;
        if (o.status == "CONFIRMED" && o.tickets.empty() && !o.seatIds.empty() &&
            number(voided, i, 1) == static_cast<long long>(o.seatIds.size()))
            o.status = "REFUNDED";
    }
    exec(c.get(), "COMMIT");
    return state;
}

long long countPendingOrders(const std::string& postgresUrl, const std::string& showId) {
    Conn c = connect(postgresUrl);
    exec(c.get(), kBegin);
    const long long n = number(exec(c.get(), kPending, &showId), 0, 0);
    exec(c.get(), "COMMIT");
    return n;
}

std::set<std::string> confirmedSeats(const std::string& postgresUrl, const std::string& showId) {
    Conn c = connect(postgresUrl);
    const Rows rows = exec(c.get(), kConfirmedSeats, &showId);
    std::set<std::string> out;
    for (int i = 0; i < PQntuples(rows.get()); ++i) out.insert(text(rows, i, 0));
    return out;
}

std::vector<std::pair<std::string, std::string>> idempotencyKeysInProgress(const std::string& postgresUrl,
                                                                           const std::string& userPrefix) {
    Conn c = connect(postgresUrl);
    const Rows rows = exec(c.get(), kKeysInProgress, &userPrefix);
    std::vector<std::pair<std::string, std::string>> out;
    for (int i = 0; i < PQntuples(rows.get()); ++i) out.emplace_back(text(rows, i, 0), text(rows, i, 1));
    return out;
}

}  // namespace boxoffice::load
