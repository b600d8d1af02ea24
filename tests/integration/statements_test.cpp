// The adapter's one stance on PostgreSQL statements and connection poolers (pg_statements.hpp):
// with BOXOFFICE_DB_PREPARED=false nothing creates a named server-side statement, so every store
// works behind PgBouncer in transaction mode or RDS Proxy; with it on, only the order repository's
// own (bx_*) statements are named. A flow through every SQL store runs on one pooled session whose
// libpq traffic is traced: every Parse message names its statement, and SOCI's named statements
// are DEALLOCATEd when they go out of scope, so pg_prepared_statements alone would not see them.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <cstdio>
#include <string>
#include <vector>

#include "storage/sql/migrator.hpp"
#include "domain/refund_policy.hpp"
#include "storage/sql/native_handles.hpp"
#include "storage/sql/one_shot.hpp"
#include "storage/sql/order_repository.hpp"
#include "storage/sql/sql_catalog_repository.hpp"
#include "storage/sql/sql_idempotency_store.hpp"
#include "storage/sql/sql_late_sale_store.hpp"
#include "storage/sql/sql_metrics_queries.hpp"
#include "storage/sql/sql_outbox_store.hpp"
#include "storage/sql/sql_payment_store.hpp"
#include "storage/sql/sql_refund_policies.hpp"
#include "storage/sql/sql_show_rate_limits.hpp"
#include "storage/sql/sql_ticket_store.hpp"
#include "storage/sql/sql_waiting_rooms.hpp"
#include "support/test_env.hpp"

namespace {

using namespace boxoffice;
using boxoffice::sql::Database;
using boxoffice::sql::DatabaseOptions;
using namespace std::chrono_literals;

constexpr EpochMs kNow = 1'800'000'000'000;
constexpr EpochMs kWindow = 10 * 60 * 1000;

#define ASSERT_OK(expr)                                    \
    do {                                                   \
        const auto& done_ = (expr);                        \
        ASSERT_TRUE(done_.ok()) << done_.error().internal; \
    } while (false)

// The statement names of the Parse messages in a libpq trace ("" for an unnamed statement).
std::vector<std::string> parsedStatementNames(const std::string& trace) {
    std::vector<std::string> names;
    const std::string tag = "\tParse\t";
    for (auto at = trace.find(tag); at != std::string::npos; at = trace.find(tag, at + 1)) {
        const auto open = trace.find('"', at + tag.size());
        const auto close = open == std::string::npos ? open : trace.find('"', open + 1);
        if (close == std::string::npos) break;
        names.push_back(trace.substr(open + 1, close - open - 1));
    }
    return names;
}

class StatementsTest : public ::testing::TestWithParam<bool> {
protected:
    void SetUp() override {
        DatabaseOptions o;
        o.url = boxoffice::testing::createPgDatabase("stmttest");
        o.poolSize = 1;  // every store below runs on the one traced session
        o.poolWait = 10s;
        o.preparedStatements = GetParam();
        db_ = Database::open(o);
        trace_ = std::tmpfile();
        ASSERT_NE(trace_, nullptr);
        ASSERT_OK(db_->run([&](soci::session& s) {
            PGconn* conn = sql::pgConnectionOf(s);
            PQtrace(conn, trace_);
            PQsetTraceFlags(conn, PQTRACE_SUPPRESS_TIMESTAMPS);
        }));
    }
    void TearDown() override {
        if (trace_ != nullptr) std::fclose(trace_);
    }

    // Stops tracing and returns what was traced.
    std::string stopTrace() {
        EXPECT_TRUE(db_->run([](soci::session& s) { PQuntrace(sql::pgConnectionOf(s)); }).ok());
        std::fflush(trace_);
        std::rewind(trace_);
        std::string text;
        char buf[65536];
        for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, trace_)) > 0;) text.append(buf, n);
        return text;
    }

    std::vector<std::string> preparedOnTheSession() {
        std::vector<std::string> names;
        EXPECT_TRUE(db_->run([&](soci::session& s) {
                           names.clear();
                           std::string name;
                           soci::statement st = sql::oneShot(s, "SELECT name FROM pg_prepared_statements ORDER BY name",
                                                             soci::into(name));
                           st.execute();
                           while (st.fetch()) names.push_back(name);
                       })
                        .ok());
        return names;
    }

    Order makeOrder(const std::string& id, const std::vector<std::string>& seats) {
        Order o;
        o.id = OrderId{id};
        o.showId = ShowId{"show-1"};
        o.userId = UserId{"user-1"};
        o.holdId = HoldId{"hold-" + id};
        o.currency = "EUR";
        o.customer = {"Ada Lovelace", "ada@example.com", ""};
        for (const auto& s : seats) {
            o.seats.push_back({SeatId{s}, "GOLD", 5000});
            o.amountMinor += 5000;
        }
        o.createdAt = o.updatedAt = kNow;
        o.expiresAt = kNow + kWindow;
        return o;
    }
    OutboxMessage message(const Order& o, const std::string& type) {
        return {"msg-" + std::to_string(++counter_), "order", o.id.str(), type, "{}", "{}", kNow};
    }
    OrderTransition confirmation(const Order& o, EpochMs at) {
        OrderTransition t{o.id, OrderStatus::Confirmed, at, "pay-" + o.id.str(), {}, message(o, "order.confirmed")};
        for (const auto& s : o.seats)
            t.tickets.push_back({"T-" + s.seatId.str(), s.seatId, o.id, o.showId, o.userId, at, {}});
        return t;
    }

    // Every SQL store, each of its operations at least once.
    void runEveryStore() {
        sql::Migrator migrator(*db_, sql::embeddedMigrations());
        ASSERT_OK(migrator.up());
        ASSERT_OK(migrator.status());

        sql::SqlCatalogRepository catalog(*db_);
        Venue venue{VenueId{"venue-1"},
                    "Hall",
                    "1 Main St",
                    "Europe/Paris",
                    Layout{{LayoutSection{"FLOOR", {LayoutRow{"A", "GOLD", 10, {}}}}}},
                    kNow};
        ASSERT_OK(catalog.createVenue(venue));
        ASSERT_OK(catalog.findVenue(venue.id));
        Event event{EventId{"event-1"}, "Gig", EventKind::Concert, "", std::nullopt, kNow, kNow};
        ASSERT_OK(catalog.createEvent(event));
        ASSERT_OK(catalog.findEvent(event.id));
        event.title = "Gig night";
        ASSERT_OK(catalog.updateEvent(event));
        ASSERT_OK(catalog.listEvents({EventKind::Concert, "night", 10, 0}));
        for (const auto* id : {"show-1", "show-2"}) {
            Show show;
            show.id = ShowId{id};
            show.eventId = event.id;
            show.venueId = venue.id;
            show.startsAt = kNow + 86'400'000;
            show.localDate = "2027-01-16";
            show.saleOpensAt = kNow - 1000;
            show.saleClosesAt = kNow + 86'000'000;
            show.currency = "EUR";
            show.prices = {{"GOLD", 5000}};
            show.createdAt = show.updatedAt = kNow;
            ASSERT_OK(catalog.createShow(show));
        }
        auto show = catalog.findShow(ShowId{"show-1"});
        ASSERT_OK(show);
        ASSERT_OK(catalog.updateShow(*show));
        ASSERT_OK(catalog.listShows(event.id, "2027-01-16"));
        ASSERT_OK(catalog.deleteShow(ShowId{"show-2"}));
        Event spare{EventId{"event-2"}, "Spare", EventKind::Other, "", std::nullopt, kNow, kNow};
        ASSERT_OK(catalog.createEvent(spare));
        ASSERT_OK(catalog.deleteEvent(spare.id));

        auto orders = sql::makeOrderRepository(*db_);
        Order sold = makeOrder("order-1", {"FLOOR-A-1", "FLOOR-A-2"});
        ASSERT_OK(orders->create(sold, message(sold, "order.created")));
        ASSERT_OK(orders->find(sold.id));
        ASSERT_OK(orders->transition(confirmation(sold, kNow + 1)));
        ASSERT_OK(orders->ordersOf(sold.userId, 10, 0));
        ASSERT_OK(orders->ticketsOf(sold.userId, 10, 0));
        Order late = makeOrder("order-2", {"FLOOR-A-3"});
        ASSERT_OK(orders->create(late, message(late, "order.created")));
        ASSERT_OK(orders->expireDue(kNow + kWindow, 10, [&](const Order& o) { return message(o, "order.expired"); }));
        ASSERT_OK(orders->activeClaims(sold.showId));
        ASSERT_OK(orders->soldSeatCount(sold.showId));
        ASSERT_OK(orders->outboxDepth());
        sql::SqlLateSaleStore lateSales(*db_);
        ASSERT_OK(lateSales.reinstate(confirmation(late, kNow + kWindow + 1)));

        sql::SqlPaymentStore payments(*db_);
        Payment payment{"dev", "pi_1", sold.id, 10000, "EUR", PaymentStatus::Pending, 0, kNow, kNow};
        ASSERT_OK(payments.savePayment(payment));
        ASSERT_OK(payments.findPayment("dev", "pi_1"));
        ASSERT_OK(payments.seenEvent("dev", "evt_1"));
        payment.status = PaymentStatus::Succeeded;
        ASSERT_OK(payments.recordEvent({"dev", "evt_1", "payment_intent.succeeded", "pi_1", sold.id, "confirmed", kNow},
                                       payment, message(sold, "order.paid")));
        ASSERT_OK(payments.saveRefund({"dev", "re_1", "pi_1", sold.id, 0, "EUR", "provider", "succeeded", kNow, ""}));
        Refund reserved{"dev", "pending:key-1", "pi_1", sold.id, 5000, "EUR", "admin", "pending", kNow, "key-1"};
        ASSERT_OK(payments.reserveRefund(reserved, {SeatId{"FLOOR-A-1"}}, message(sold, "order.refunded")));
        ASSERT_OK(payments.findRefund("dev", "key-1"));
        ASSERT_OK(payments.pendingRefunds("dev", kNow + 1, 10));
        ASSERT_OK(payments.completeRefund("dev", "key-1", "re_2", "succeeded"));
        ASSERT_OK(payments.ofOrder(sold.id));
        ASSERT_OK(payments.refundedSeats(sold.showId));

        sql::SqlTicketStore tickets(*db_);
        ASSERT_OK(tickets.findTicket("T-FLOOR-A-2"));
        const CheckinRecord scan{"T-FLOOR-A-2", sold.showId, "north", UserId{"staff-1"}, kNow + 2};
        ASSERT_OK(tickets.checkIn(scan));
        ASSERT_OK(tickets.checkIn(scan));  // the second scan reads the first back
        ASSERT_OK(tickets.checkins(sold.showId));

        sql::SqlShowRateLimits rateLimits(*db_);
        admission::ShowRateLimits limits;
        limits.show = sold.showId;
        limits.of(admission::Budget::Holds, admission::Scope::User) = admission::Rate{5, 1000ms};
        limits.updatedAt = kNow;
        limits.updatedBy = "admin";
        ASSERT_OK(rateLimits.replace(limits));
        ASSERT_OK(rateLimits.loadAll());

        sql::SqlWaitingRooms rooms(*db_);
        admission::WaitingRoomSettings room;
        room.show = sold.showId;
        room.enabled = true;
        room.opensAt = kNow;
        room.admitRate = 10;
        room.updatedAt = kNow;
        room.updatedBy = "admin";
        ASSERT_OK(rooms.save(room));
        ASSERT_OK(rooms.loadAll());

        sql::SqlRefundPolicies policies(*db_);
        auto policy = parseRefundPolicy("7d:100,24h:50");
        ASSERT_OK(policy);
        ASSERT_OK(policies.save(sold.showId, *policy, "admin", kNow));
        ASSERT_OK(policies.find(sold.showId));

        sql::SqlIdempotencyStore idempotency(*db_);
        const UserId user{"user-1"};
        ASSERT_OK(idempotency.claim(user, "k1", "h1", kNow, kNow + 60'000, {"owner-1", kNow + 1000}));
        ASSERT_OK(idempotency.claim(user, "k1", "h1", kNow, kNow + 60'000, {"owner-2", kNow + 1000}));
        ASSERT_OK(idempotency.complete(user, "k1", "owner-1", 201, "{}"));
        ASSERT_OK(idempotency.claim(user, "k2", "h2", kNow, kNow + 60'000, {"owner-3", kNow + 1000}));
        ASSERT_OK(idempotency.abandon(user, "k2", "owner-3"));
        ASSERT_OK(idempotency.purgeDeadClaims(kNow + 2000));

        sql::SqlOutboxStore outbox(*db_);
        // One due row per order (the oldest of each): send one, hand the other back, fail the next.
        const EpochMs relayAt = kNow + kWindow + 10;
        auto claimed = outbox.claim("relay-1", 10, relayAt, relayAt + 1000);
        ASSERT_OK(claimed);
        ASSERT_EQ(claimed->size(), 2u);
        ASSERT_OK(outbox.markSent({(*claimed)[0].id}, relayAt));
        ASSERT_OK(outbox.release("relay-1", {(*claimed)[1].id}, relayAt, "shutting down"));
        auto again = outbox.claim("relay-2", 10, relayAt + 1, relayAt + 1000);
        ASSERT_OK(again);
        ASSERT_FALSE(again->empty());
        ASSERT_OK(outbox.markFailed("relay-2", again->front().id, "refused", relayAt + 500, false, relayAt + 1));
        ASSERT_OK(outbox.prune(relayAt + 30, 10));

        sql::SqlMetricsQueries metrics(*db_);
        ASSERT_OK(metrics.showsOnSale(kNow, 10));
        ASSERT_OK(metrics.outboxBacklog());
        ASSERT_OK(metrics.oldestOverduePendingOrder(kNow + kWindow));
    }

    std::unique_ptr<Database> db_;
    std::FILE* trace_ = nullptr;
    int counter_ = 0;
};

TEST_P(StatementsTest, OnlyTheOrderRepositoryNamesStatementsAndOnlyWhenPrepared) {
    ASSERT_NO_FATAL_FAILURE(runEveryStore());
    const std::string trace = stopTrace();
    const auto parsed = parsedStatementNames(trace);
    ASSERT_FALSE(parsed.empty()) << "the trace saw no statement: is the flow on the traced session?";
    std::vector<std::string> named;
    for (const auto& name : parsed)
        if (!name.empty() && !(GetParam() && name.rfind("bx_", 0) == 0)) named.push_back(name);
    EXPECT_TRUE(named.empty()) << named.size() << " named statement(s), the first: " << named.front();
    EXPECT_EQ(trace.find("DEALLOCATE"), std::string::npos);

    const auto onSession = preparedOnTheSession();
    for (const auto& name : onSession) {
        EXPECT_TRUE(GetParam()) << "named statement " << name << " with BOXOFFICE_DB_PREPARED=false";
        EXPECT_EQ(name.rfind("bx_", 0), 0u) << name;
    }
    if (GetParam()) {
        EXPECT_FALSE(onSession.empty()) << "the order repository prepared nothing";
    }
}

std::string preparedName(const ::testing::TestParamInfo<bool>& param) {
    return param.param ? "Prepared" : "Unprepared";
}

INSTANTIATE_TEST_SUITE_P(Postgres, StatementsTest, ::testing::Values(true, false), preparedName);

}  // namespace
