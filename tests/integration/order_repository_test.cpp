// The order repository of each dialect (storage/sql/order_repository.hpp) against real PostgreSQL
// (a fresh database per test), with prepared statements and without (BOXOFFICE_DB_PREPARED=false,
// as behind PgBouncer in transaction mode), and SQLite (a fresh file), with the schema built by the
// real migrations.
#include "storage/sql/order_repository.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <latch>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "storage/sql/migrator.hpp"
#include "storage/sql/sql_catalog_repository.hpp"
#include "support/test_env.hpp"

namespace {

using namespace boxoffice;
using boxoffice::sql::Database;
using boxoffice::sql::DatabaseOptions;
using boxoffice::sql::Dialect;
using boxoffice::testing::TestEnv;
using namespace std::chrono_literals;

constexpr EpochMs kNow = 1'800'000'000'000;
constexpr EpochMs kWindow = 10 * 60 * 1000;

struct Store {
    Dialect dialect;
    bool prepared;  // PostgreSQL: BOXOFFICE_DB_PREPARED
};

std::string storeName(const ::testing::TestParamInfo<Store>& info) {
    if (info.param.dialect == Dialect::Sqlite) return "Sqlite";
    return info.param.prepared ? "Postgres" : "PostgresUnprepared";
}

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

std::vector<std::string> sortedSeatIds(const Order& o) {
    std::vector<std::string> ids;
    for (const auto& s : o.seats) ids.push_back(s.seatId.str());
    return sorted(ids);
}

class OrderRepositoryTest : public ::testing::TestWithParam<Store> {
protected:
    void SetUp() override {
        DatabaseOptions o;
        url_ = GetParam().dialect == Dialect::Postgres ? boxoffice::testing::createPgDatabase("ordertest")
                                                       : boxoffice::testing::tempSqliteUrl("ordertest");
        o.url = url_;
        o.preparedStatements = GetParam().prepared;
        o.poolSize = 8;
        // Generous on a shared, noisy box: these tests assert outcomes, never timings.
        o.poolWait = 10s;
        db_ = Database::open(o);
        auto applied = sql::Migrator(*db_, sql::embeddedMigrations()).up();
        ASSERT_TRUE(applied.ok()) << applied.error().internal;

        sql::SqlCatalogRepository catalog(*db_);
        Venue venue{VenueId{"venue-1"},
                    "Hall",
                    "1 Main St",
                    "Europe/Paris",
                    Layout{{LayoutSection{"FLOOR", {LayoutRow{"A", "GOLD", 10, {}}}}}},
                    kNow};
        ASSERT_TRUE(catalog.createVenue(venue).ok());
        Event event{EventId{"event-1"}, "Gig", EventKind::Concert, "", std::nullopt, kNow, kNow};
        ASSERT_TRUE(catalog.createEvent(event).ok());
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
            auto created = catalog.createShow(show);
            ASSERT_TRUE(created.ok()) << created.error().internal;
        }
        repo_ = sql::makeOrderRepository(*db_);
    }

    Order makeOrder(const std::vector<std::string>& seats, const std::string& user = "user-1", EpochMs createdAt = kNow,
                    const std::string& show = "show-1") {
        const int n = ++counter_;
        Order o;
        o.id = OrderId{"order-" + std::to_string(n)};
        o.showId = ShowId{show};
        o.userId = UserId{user};
        o.holdId = HoldId{"hold-" + std::to_string(n)};
        o.currency = "EUR";
        o.customer = {"Ada Lovelace", "ada@example.com", ""};
        for (const auto& s : seats) {
            o.seats.push_back({SeatId{s}, "GOLD", 5000});
            o.amountMinor += 5000;
        }
        o.traceContext = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        o.createdAt = o.updatedAt = createdAt;
        o.expiresAt = createdAt + kWindow;
        return o;
    }

    OutboxMessage message(const Order& o, const std::string& eventType, EpochMs at = kNow) {
        return {"msg-" + std::to_string(++counter_),
                "order",
                o.id.str(),
                eventType,
                R"({"orderId":")" + o.id.str() + R"("})",
                R"({"traceparent":")" + o.traceContext + R"("})",
                at};
    }

    Result<Order> moveTo(const Order& o, OrderStatus to, EpochMs now, const std::string& eventType) {
        return repo_->transition({o.id, to, now, std::nullopt, {}, message(o, eventType, now)});
    }

    Result<Order> confirm(const Order& o, EpochMs now) {
        OrderTransition t{
            o.id, OrderStatus::Confirmed, now, "pay-" + o.id.str(), {}, message(o, "order.confirmed", now)};
        for (const auto& s : o.seats) {
            t.tickets.push_back(
                {"T-" + o.id.str() + "-" + s.seatId.str(), s.seatId, o.id, o.showId, o.userId, now, {}});
        }
        return repo_->transition(t);
    }

    long long count(const std::string& query) {
        long long n = -1;
        auto r = db_->run([&](soci::session& s) { s << query, soci::into(n); });
        EXPECT_TRUE(r.ok()) << r.error().internal;
        return n;
    }

    std::string url_;
    std::unique_ptr<Database> db_;
    std::unique_ptr<OrderRepository> repo_;
    std::atomic<int> counter_{0};
};

TEST_P(OrderRepositoryTest, CreateThenFindRoundTripsEveryField) {
    Order o = makeOrder({"FLOOR-A-2", "FLOOR-A-1"});
    o.customer.phone = "+33 1 23 45 67 89";
    ASSERT_TRUE(repo_->create(o, message(o, "order.created")).ok());

    auto found = repo_->find(o.id);
    ASSERT_TRUE(found.ok()) << found.error().internal;
    EXPECT_EQ(found->id, o.id);
    EXPECT_EQ(found->showId, o.showId);
    EXPECT_EQ(found->userId, o.userId);
    EXPECT_EQ(found->holdId, o.holdId);
    EXPECT_EQ(found->status, OrderStatus::PaymentPending);
    EXPECT_EQ(found->amountMinor, 10000);
    EXPECT_EQ(found->currency, "EUR");
    EXPECT_EQ(found->customer.name, "Ada Lovelace");
    EXPECT_EQ(found->customer.email, "ada@example.com");
    EXPECT_EQ(found->customer.phone, "+33 1 23 45 67 89");
    EXPECT_EQ(found->traceContext, o.traceContext);
    EXPECT_EQ(found->expiresAt, o.expiresAt);
    EXPECT_EQ(found->createdAt, kNow);
    EXPECT_EQ(found->updatedAt, kNow);
    EXPECT_FALSE(found->paymentReference.has_value());
    EXPECT_FALSE(found->confirmedAt.has_value());
    EXPECT_TRUE(found->tickets.empty());
    ASSERT_EQ(found->seats.size(), 2u);
    EXPECT_EQ(sortedSeatIds(*found), (std::vector<std::string>{"FLOOR-A-1", "FLOOR-A-2"}));
    EXPECT_EQ(found->seats[0].tier, "GOLD");
    EXPECT_EQ(found->seats[0].priceMinor, 5000);

    EXPECT_EQ(
        count("SELECT COUNT(*) FROM outbox WHERE event_type = 'order.created' AND aggregate_id = '" + o.id.str() + "'"),
        1);
    auto depth = repo_->outboxDepth();
    ASSERT_TRUE(depth.ok());
    EXPECT_EQ(*depth, 1);

    auto missing = repo_->find(OrderId{"no-such-order"});
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::NotFound);
}

TEST_P(OrderRepositoryTest, EmptyOptionalFieldsStayEmpty) {
    Order o = makeOrder({"FLOOR-A-1"});
    o.traceContext.clear();
    ASSERT_TRUE(repo_->create(o, message(o, "order.created")).ok());
    auto found = repo_->find(o.id);
    ASSERT_TRUE(found.ok());
    EXPECT_EQ(found->customer.phone, "");
    EXPECT_EQ(found->traceContext, "");
    EXPECT_EQ(count("SELECT COUNT(*) FROM orders WHERE customer_phone IS NULL AND trace_context IS NULL"), 1);
}

TEST_P(OrderRepositoryTest, OverlappingOrderGetsSeatsUnavailableNamingExactlyTheOverlap) {
    Order first = makeOrder({"FLOOR-A-1", "FLOOR-A-2", "FLOOR-A-3"});
    ASSERT_TRUE(repo_->create(first, message(first, "order.created")).ok());

    Order second = makeOrder({"FLOOR-A-4", "FLOOR-A-3", "FLOOR-A-2"}, "user-2");
    auto r = repo_->create(second, message(second, "order.created"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::SeatsUnavailable) << r.error().internal;
    EXPECT_EQ(r.error().detail, "seats are no longer available");
    EXPECT_EQ(sorted(r.error().subjects), (std::vector<std::string>{"FLOOR-A-2", "FLOOR-A-3"}));

    // Nothing of the second order remains; the first is untouched.
    EXPECT_EQ(repo_->find(second.id).error().code, ErrorCode::NotFound);
    auto kept = repo_->find(first.id);
    ASSERT_TRUE(kept.ok());
    EXPECT_EQ(kept->status, OrderStatus::PaymentPending);
    EXPECT_EQ(sortedSeatIds(*kept), sortedSeatIds(first));
    EXPECT_EQ(count("SELECT COUNT(*) FROM order_seats WHERE active = 1"), 3);
    EXPECT_EQ(*repo_->outboxDepth(), 1);

    // The same seat of another show is a different seat.
    Order elsewhere = makeOrder({"FLOOR-A-2"}, "user-2", kNow, "show-2");
    EXPECT_TRUE(repo_->create(elsewhere, message(elsewhere, "order.created")).ok());
}

TEST_P(OrderRepositoryTest, SecondOrderForTheSameHoldIsAConflict) {
    Order first = makeOrder({"FLOOR-A-1"});
    ASSERT_TRUE(repo_->create(first, message(first, "order.created")).ok());

    Order again = makeOrder({"FLOOR-A-5"});
    again.holdId = first.holdId;
    auto r = repo_->create(again, message(again, "order.created"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::Conflict);

    // A retry of the very same order (same id, same hold, same seats) is a conflict too, not a
    // seat problem: the seats are its own.
    auto retried = repo_->create(first, message(first, "order.created"));
    ASSERT_FALSE(retried.ok());
    EXPECT_EQ(retried.error().code, ErrorCode::Conflict);
    EXPECT_EQ(count("SELECT COUNT(*) FROM orders"), 1);
    EXPECT_EQ(*repo_->outboxDepth(), 1);
}

TEST_P(OrderRepositoryTest, ConcurrentOrdersForOneSeatLetExactlyOneWin) {
    constexpr int kThreads = 16;
    for (const std::string seat : {"FLOOR-A-1", "FLOOR-A-7"}) {
        std::vector<Order> orders;
        for (int i = 0; i < kThreads; ++i) orders.push_back(makeOrder({seat, "OWN-" + seat + "-" + std::to_string(i)}));
        std::latch start(kThreads);
        std::vector<Result<void>> results(kThreads);
        std::vector<std::thread> threads;
        for (int i = 0; i < kThreads; ++i) {
            threads.emplace_back([&, i] {
                const OutboxMessage m = message(orders[i], "order.created");
                start.arrive_and_wait();
                results[i] = repo_->create(orders[i], m);
            });
        }
        for (auto& t : threads) t.join();

        int won = 0;
        for (int i = 0; i < kThreads; ++i) {
            if (results[i].ok()) {
                ++won;
                continue;
            }
            const Error& e = results[i].error();
            EXPECT_EQ(e.code, ErrorCode::SeatsUnavailable) << e.detail << " / " << e.internal;
            EXPECT_EQ(e.subjects, std::vector<std::string>{seat});
        }
        EXPECT_EQ(won, 1) << seat;
        EXPECT_EQ(count("SELECT COUNT(*) FROM order_seats WHERE active = 1 AND seat_id = '" + seat + "'"), 1);
    }
    EXPECT_EQ(count("SELECT COUNT(*) FROM orders"), 2);
    EXPECT_EQ(*repo_->outboxDepth(), 2);
}

TEST_P(OrderRepositoryTest, SeatCanBeOrderedAgainAfterExpiryCancellationOrFailure) {
    Order a = makeOrder({"FLOOR-A-1", "FLOOR-A-2"});
    ASSERT_TRUE(repo_->create(a, message(a, "order.created")).ok());
    auto expired = moveTo(a, OrderStatus::Expired, a.expiresAt, "order.expired");
    ASSERT_TRUE(expired.ok()) << expired.error().internal;
    EXPECT_EQ(expired->status, OrderStatus::Expired);
    EXPECT_EQ(expired->updatedAt, a.expiresAt);

    Order b = makeOrder({"FLOOR-A-1"}, "user-2");
    ASSERT_TRUE(repo_->create(b, message(b, "order.created")).ok());
    auto cancelled = moveTo(b, OrderStatus::Cancelled, kNow + 10, "order.cancelled");
    ASSERT_TRUE(cancelled.ok());
    EXPECT_EQ(cancelled->status, OrderStatus::Cancelled);

    Order c = makeOrder({"FLOOR-A-1", "FLOOR-A-2"}, "user-3");
    ASSERT_TRUE(repo_->create(c, message(c, "order.created")).ok());
    auto failed = moveTo(c, OrderStatus::Failed, kNow + 20, "order.failed");
    ASSERT_TRUE(failed.ok());
    EXPECT_EQ(failed->status, OrderStatus::Failed);

    Order d = makeOrder({"FLOOR-A-2", "FLOOR-A-1"}, "user-4");
    ASSERT_TRUE(repo_->create(d, message(d, "order.created")).ok());

    EXPECT_EQ(repo_->find(a.id)->status, OrderStatus::Expired);
    EXPECT_EQ(repo_->find(b.id)->status, OrderStatus::Cancelled);
    EXPECT_EQ(count("SELECT COUNT(*) FROM order_seats WHERE active = 1"), 2);
    EXPECT_EQ(count("SELECT COUNT(*) FROM order_seats WHERE active = 1 AND order_id = '" + d.id.str() + "'"), 2);
    EXPECT_EQ(*repo_->outboxDepth(), 7);
}

TEST_P(OrderRepositoryTest, ConfirmWritesTicketsPaymentAndOutbox) {
    Order o = makeOrder({"FLOOR-A-3", "FLOOR-A-4"});
    ASSERT_TRUE(repo_->create(o, message(o, "order.created")).ok());
    const EpochMs at = kNow + 5000;
    auto confirmed = confirm(o, at);
    ASSERT_TRUE(confirmed.ok()) << confirmed.error().internal;
    EXPECT_EQ(confirmed->status, OrderStatus::Confirmed);
    EXPECT_EQ(confirmed->paymentReference, std::optional<std::string>("pay-" + o.id.str()));
    EXPECT_EQ(confirmed->confirmedAt, std::optional<EpochMs>(at));
    EXPECT_EQ(confirmed->updatedAt, at);
    EXPECT_EQ(sortedSeatIds(*confirmed), sortedSeatIds(o));
    ASSERT_EQ(confirmed->tickets.size(), 2u);
    for (const auto& t : confirmed->tickets) {
        EXPECT_EQ(t.orderId, o.id);
        EXPECT_EQ(t.showId, o.showId);
        EXPECT_EQ(t.userId, o.userId);
        EXPECT_EQ(t.issuedAt, at);
        EXPECT_EQ(t.code, "T-" + o.id.str() + "-" + t.seatId.str());
    }

    auto found = repo_->find(o.id);
    ASSERT_TRUE(found.ok());
    EXPECT_EQ(found->status, OrderStatus::Confirmed);
    EXPECT_EQ(found->tickets.size(), 2u);
    // A confirmed order keeps its seats.
    EXPECT_EQ(count("SELECT COUNT(*) FROM order_seats WHERE active = 1"), 2);
    EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE event_type = 'order.confirmed' AND aggregate_id = '" +
                    o.id.str() + "'"),
              1);
    EXPECT_EQ(*repo_->outboxDepth(), 2);
}

TEST_P(OrderRepositoryTest, ConfirmAfterTheWindowClosedIsOrderExpiredAndChangesNothing) {
    Order o = makeOrder({"FLOOR-A-1"});
    ASSERT_TRUE(repo_->create(o, message(o, "order.created")).ok());

    // The window is [createdAt, expiresAt): at expiresAt it is already closed.
    auto late = confirm(o, o.expiresAt);
    ASSERT_FALSE(late.ok());
    EXPECT_EQ(late.error().code, ErrorCode::OrderExpired);

    auto found = repo_->find(o.id);
    ASSERT_TRUE(found.ok());
    EXPECT_EQ(found->status, OrderStatus::PaymentPending);
    EXPECT_FALSE(found->paymentReference.has_value());
    EXPECT_TRUE(found->tickets.empty());
    EXPECT_EQ(count("SELECT COUNT(*) FROM tickets"), 0);
    EXPECT_EQ(*repo_->outboxDepth(), 1);

    // ...which the domain then expires.
    auto expired = moveTo(o, OrderStatus::Expired, o.expiresAt, "order.expired");
    ASSERT_TRUE(expired.ok());
    EXPECT_EQ(expired->status, OrderStatus::Expired);

    // One millisecond earlier it would have been in time.
    Order other = makeOrder({"FLOOR-A-2"});
    ASSERT_TRUE(repo_->create(other, message(other, "order.created")).ok());
    EXPECT_TRUE(confirm(other, other.expiresAt - 1).ok());
}

TEST_P(OrderRepositoryTest, TransitionOfAnOrderNoLongerPendingIsAConflict) {
    Order o = makeOrder({"FLOOR-A-1"});
    ASSERT_TRUE(repo_->create(o, message(o, "order.created")).ok());
    ASSERT_TRUE(confirm(o, kNow + 1).ok());

    for (auto to : {OrderStatus::Cancelled, OrderStatus::Expired, OrderStatus::Failed}) {
        auto r = moveTo(o, to, kNow + 2, "order.other");
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().code, ErrorCode::Conflict);
        EXPECT_EQ(r.error().detail, "order is CONFIRMED");
    }
    auto again = confirm(o, kNow + 3);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, ErrorCode::Conflict);

    Order c = makeOrder({"FLOOR-A-2"});
    ASSERT_TRUE(repo_->create(c, message(c, "order.created")).ok());
    ASSERT_TRUE(moveTo(c, OrderStatus::Cancelled, kNow + 4, "order.cancelled").ok());
    auto late = confirm(c, kNow + 5);
    ASSERT_FALSE(late.ok());
    EXPECT_EQ(late.error().detail, "order is CANCELLED");

    // Nothing of the refused transitions reached the database.
    auto found = repo_->find(o.id);
    ASSERT_TRUE(found.ok());
    EXPECT_EQ(found->status, OrderStatus::Confirmed);
    EXPECT_EQ(found->updatedAt, kNow + 1);
    EXPECT_EQ(found->tickets.size(), 1u);
    EXPECT_EQ(*repo_->outboxDepth(), 4);

    auto unknown = repo_->transition({OrderId{"nope"}, OrderStatus::Cancelled, kNow, std::nullopt, {}, {}});
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().code, ErrorCode::NotFound);
}

TEST_P(OrderRepositoryTest, ConcurrentTransitionsOfOneOrderLetExactlyOneApply) {
    constexpr int kThreads = 8;
    for (int round = 0; round < 4; ++round) {
        Order o = makeOrder({"FLOOR-A-" + std::to_string(round + 1), "FLOOR-B-" + std::to_string(round + 1)});
        ASSERT_TRUE(repo_->create(o, message(o, "order.created")).ok());
        std::latch start(kThreads);
        std::vector<Result<Order>> results(kThreads, Error{});
        std::vector<std::thread> threads;
        for (int i = 0; i < kThreads; ++i) {
            threads.emplace_back([&, i] {
                start.arrive_and_wait();
                results[i] =
                    i % 2 == 0 ? confirm(o, kNow + 1) : moveTo(o, OrderStatus::Cancelled, kNow + 1, "order.cancelled");
            });
        }
        for (auto& t : threads) t.join();

        int applied = 0;
        for (const auto& r : results) {
            if (r.ok()) {
                ++applied;
                continue;
            }
            EXPECT_EQ(r.error().code, ErrorCode::Conflict) << r.error().detail << " / " << r.error().internal;
        }
        EXPECT_EQ(applied, 1);
        auto found = repo_->find(o.id);
        ASSERT_TRUE(found.ok());
        const std::string id = "'" + o.id.str() + "'";
        EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE event_type <> 'order.created' AND aggregate_id = " + id), 1);
        if (found->status == OrderStatus::Confirmed) {
            EXPECT_EQ(found->tickets.size(), 2u);
            EXPECT_EQ(count("SELECT COUNT(*) FROM order_seats WHERE active = 1 AND order_id = " + id), 2);
        } else {
            EXPECT_EQ(found->status, OrderStatus::Cancelled);
            EXPECT_EQ(count("SELECT COUNT(*) FROM tickets WHERE order_id = " + id), 0);
            EXPECT_EQ(count("SELECT COUNT(*) FROM order_seats WHERE active = 1 AND order_id = " + id), 0);
        }
    }
}

TEST_P(OrderRepositoryTest, ConcurrentSweepersExpireEachDueOrderExactlyOnce) {
    constexpr int kDue = 200;
    constexpr int kSweepers = 4;
    std::set<std::string> dueIds;
    for (int i = 0; i < kDue; ++i) {
        Order o = makeOrder({"SEAT-" + std::to_string(i)}, "user-" + std::to_string(i % 7), kNow - kWindow - 1000 + i);
        ASSERT_TRUE(repo_->create(o, message(o, "order.created")).ok());
        dueIds.insert(o.id.str());
    }
    std::vector<Order> notDue;
    for (int i = 0; i < 5; ++i) {
        notDue.push_back(makeOrder({"LATER-" + std::to_string(i)}, "user-1", kNow - kWindow + 1));
        ASSERT_TRUE(repo_->create(notDue.back(), message(notDue.back(), "order.created")).ok());
    }

    std::mutex mu;
    std::map<std::string, int> seen;  // order id -> how often a sweeper reported it expired
    std::vector<std::string> failures;
    std::latch start(kSweepers);
    std::vector<std::thread> sweepers;
    for (int s = 0; s < kSweepers; ++s) {
        sweepers.emplace_back([&] {
            start.arrive_and_wait();
            for (;;) {
                auto r = repo_->expireDue(kNow, 16, [&](const Order& o) {
                    std::lock_guard lock(mu);
                    if (o.status != OrderStatus::Expired || o.seats.size() != 1)
                        failures.push_back("bad order " + o.id.str());
                    return message(o, "order.expired", kNow);
                });
                std::lock_guard lock(mu);
                if (!r.ok()) {
                    failures.push_back(r.error().detail + " / " + r.error().internal);
                    return;
                }
                if (r->empty()) return;
                for (const auto& o : *r) ++seen[o.id.str()];
            }
        });
    }
    for (auto& t : sweepers) t.join();

    EXPECT_TRUE(failures.empty()) << failures.front();
    EXPECT_EQ(seen.size(), dueIds.size());
    for (const auto& [id, times] : seen) {
        EXPECT_EQ(times, 1) << id;
        EXPECT_EQ(dueIds.count(id), 1u) << id;
    }
    EXPECT_EQ(count("SELECT COUNT(*) FROM orders WHERE status = 'EXPIRED'"), kDue);
    EXPECT_EQ(count("SELECT COUNT(*) FROM orders WHERE status = 'PAYMENT_PENDING'"), 5);
    EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE event_type = 'order.expired'"), kDue);
    EXPECT_EQ(count("SELECT COUNT(DISTINCT aggregate_id) FROM outbox WHERE event_type = 'order.expired'"), kDue);
    EXPECT_EQ(count("SELECT COUNT(*) FROM order_seats WHERE active = 1"), 5);
    for (const auto& o : notDue) EXPECT_EQ(repo_->find(o.id)->status, OrderStatus::PaymentPending);

    auto nothingLeft = repo_->expireDue(kNow, 16, [&](const Order& o) { return message(o, "order.expired"); });
    ASSERT_TRUE(nothingLeft.ok());
    EXPECT_TRUE(nothingLeft->empty());
}

TEST_P(OrderRepositoryTest, ExpireDueHonoursTheLimitAndTakesTheOldestFirst) {
    std::vector<Order> due;
    for (int i = 0; i < 5; ++i) {
        due.push_back(makeOrder({"SEAT-" + std::to_string(i)}, "user-1", kNow - kWindow - 100 + i * 10));
        ASSERT_TRUE(repo_->create(due.back(), message(due.back(), "order.created")).ok());
    }
    auto first = repo_->expireDue(kNow, 2, [&](const Order& o) { return message(o, "order.expired"); });
    ASSERT_TRUE(first.ok()) << first.error().internal;
    ASSERT_EQ(first->size(), 2u);
    EXPECT_EQ((*first)[0].id, due[0].id);
    EXPECT_EQ((*first)[1].id, due[1].id);
    EXPECT_EQ((*first)[0].updatedAt, kNow);
    EXPECT_EQ(count("SELECT COUNT(*) FROM orders WHERE status = 'PAYMENT_PENDING'"), 3);
}

TEST_P(OrderRepositoryTest, ActiveClaimsListSeatsOfPendingAndConfirmedOrdersOfTheShow) {
    Order pending = makeOrder({"FLOOR-A-2", "FLOOR-A-1"}, "user-1");
    Order sold = makeOrder({"FLOOR-B-1"}, "user-2");
    Order cancelled = makeOrder({"FLOOR-C-1"}, "user-3");
    Order otherShow = makeOrder({"FLOOR-D-1"}, "user-4", kNow, "show-2");
    for (const auto* o : {&pending, &sold, &cancelled, &otherShow}) {
        ASSERT_TRUE(repo_->create(*o, message(*o, "order.created")).ok());
    }
    ASSERT_TRUE(confirm(sold, kNow + 1).ok());
    ASSERT_TRUE(moveTo(cancelled, OrderStatus::Cancelled, kNow + 1, "order.cancelled").ok());

    auto claims = repo_->activeClaims(ShowId{"show-1"});
    ASSERT_TRUE(claims.ok()) << claims.error().internal;
    ASSERT_EQ(claims->size(), 3u);
    const auto& c = *claims;
    EXPECT_EQ(c[0].seatId.str(), "FLOOR-A-1");
    EXPECT_EQ(c[0].orderId, pending.id);
    EXPECT_EQ(c[0].userId, pending.userId);
    EXPECT_EQ(c[0].expiresAt, pending.expiresAt);
    EXPECT_EQ(c[1].seatId.str(), "FLOOR-A-2");
    EXPECT_EQ(c[1].expiresAt, pending.expiresAt);
    EXPECT_EQ(c[2].seatId.str(), "FLOOR-B-1");
    EXPECT_EQ(c[2].orderId, sold.id);
    EXPECT_EQ(c[2].userId, sold.userId);
    EXPECT_EQ(c[2].expiresAt, 0);

    auto none = repo_->activeClaims(ShowId{"show-unknown"});
    ASSERT_TRUE(none.ok());
    EXPECT_TRUE(none->empty());
}

TEST_P(OrderRepositoryTest, OrdersOfAndTicketsOfPageNewestFirst) {
    Order o1 = makeOrder({"FLOOR-A-1", "FLOOR-A-2"}, "user-1", kNow);
    Order o2 = makeOrder({"FLOOR-A-3"}, "user-1", kNow + 100);
    Order o3 = makeOrder({"FLOOR-A-4"}, "user-1", kNow + 200);
    Order stranger = makeOrder({"FLOOR-A-5"}, "user-2", kNow + 300);
    for (const auto* o : {&o1, &o2, &o3, &stranger}) ASSERT_TRUE(repo_->create(*o, message(*o, "order.created")).ok());
    ASSERT_TRUE(confirm(o1, kNow + 400).ok());
    ASSERT_TRUE(confirm(o3, kNow + 500).ok());
    ASSERT_TRUE(confirm(stranger, kNow + 600).ok());

    auto page1 = repo_->ordersOf(UserId{"user-1"}, 2, 0);
    ASSERT_TRUE(page1.ok()) << page1.error().internal;
    ASSERT_EQ(page1->size(), 2u);
    EXPECT_EQ((*page1)[0].id, o3.id);
    EXPECT_EQ((*page1)[0].status, OrderStatus::Confirmed);
    EXPECT_EQ((*page1)[0].tickets.size(), 1u);
    EXPECT_EQ((*page1)[1].id, o2.id);
    EXPECT_EQ(sortedSeatIds((*page1)[1]), std::vector<std::string>{"FLOOR-A-3"});
    auto page2 = repo_->ordersOf(UserId{"user-1"}, 2, 2);
    ASSERT_TRUE(page2.ok());
    ASSERT_EQ(page2->size(), 1u);
    EXPECT_EQ((*page2)[0].id, o1.id);
    EXPECT_EQ((*page2)[0].seats.size(), 2u);
    EXPECT_TRUE(repo_->ordersOf(UserId{"user-1"}, 2, 4)->empty());
    EXPECT_TRUE(repo_->ordersOf(UserId{"user-9"}, 10, 0)->empty());

    auto tickets = repo_->ticketsOf(UserId{"user-1"}, 10, 0);
    ASSERT_TRUE(tickets.ok()) << tickets.error().internal;
    ASSERT_EQ(tickets->size(), 3u);
    EXPECT_EQ((*tickets)[0].orderId, o3.id);
    EXPECT_EQ((*tickets)[0].seatId.str(), "FLOOR-A-4");
    EXPECT_EQ((*tickets)[0].issuedAt, kNow + 500);
    EXPECT_EQ((*tickets)[0].userId, UserId{"user-1"});
    EXPECT_EQ((*tickets)[0].showId, ShowId{"show-1"});
    EXPECT_EQ((*tickets)[1].orderId, o1.id);
    EXPECT_EQ((*tickets)[1].seatId.str(), "FLOOR-A-1");
    EXPECT_EQ((*tickets)[2].seatId.str(), "FLOOR-A-2");
    auto tail = repo_->ticketsOf(UserId{"user-1"}, 2, 1);
    ASSERT_TRUE(tail.ok());
    ASSERT_EQ(tail->size(), 2u);
    EXPECT_EQ((*tail)[0].seatId.str(), "FLOOR-A-1");
    EXPECT_EQ((*tail)[1].seatId.str(), "FLOOR-A-2");
    EXPECT_TRUE(repo_->ticketsOf(UserId{"user-9"}, 10, 0)->empty());
}

TEST_P(OrderRepositoryTest, SeatIdsWithQuotesBackslashesCommasAndBracesRoundTrip) {
    // On PostgreSQL the seats travel as one array literal: every character that literal treats
    // specially must come back unchanged.
    const std::vector<std::string> seats{"A\"1", "B\\2", "C,3", "D 4", "{E}", "NULL"};
    Order o = makeOrder(seats);
    ASSERT_TRUE(repo_->create(o, message(o, "order.created")).ok());
    auto found = repo_->find(o.id);
    ASSERT_TRUE(found.ok()) << found.error().internal;
    EXPECT_EQ(sortedSeatIds(*found), sorted(seats));

    auto confirmed = confirm(o, kNow + 1);
    ASSERT_TRUE(confirmed.ok()) << confirmed.error().internal;
    std::vector<std::string> ticketSeats;
    for (const auto& t : confirmed->tickets) {
        EXPECT_EQ(t.code, "T-" + o.id.str() + "-" + t.seatId.str());
        ticketSeats.push_back(t.seatId.str());
    }
    EXPECT_EQ(sorted(ticketSeats), sorted(seats));
    EXPECT_EQ(repo_->find(o.id)->tickets.size(), seats.size());

    // The same seat once more is refused by name, quotes and all.
    Order again = makeOrder({"A\"1"}, "user-2");
    auto r = repo_->create(again, message(again, "order.created"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::SeatsUnavailable);
    EXPECT_EQ(r.error().subjects, std::vector<std::string>{"A\"1"});
}

// Row locks exist on PostgreSQL only; SQLite serialises every writer instead.
class OrderRepositoryPgTest : public OrderRepositoryTest {};

TEST_P(OrderRepositoryPgTest, ExpireDueSkipsOrdersAnotherSweeperHoldsInsteadOfWaiting) {
    std::vector<Order> due;
    for (int i = 0; i < 4; ++i) {
        due.push_back(makeOrder({"SEAT-" + std::to_string(i)}, "user-1", kNow - kWindow - 100 + i));
        ASSERT_TRUE(repo_->create(due.back(), message(due.back(), "order.created")).ok());
    }
    Result<std::vector<Order>> swept = Error{};
    // The oldest order is locked by another transaction (as a sweeper on another replica would
    // hold it) while this sweeper runs.
    auto held = db_->transact([&](soci::session& s) -> Result<void> {
        std::string id;
        s << "SELECT id FROM orders WHERE id = :id FOR UPDATE", soci::use(due[0].id.str()), soci::into(id);
        swept = repo_->expireDue(kNow, 10, [&](const Order& o) { return message(o, "order.expired"); });
        return {};
    });
    ASSERT_TRUE(held.ok()) << held.error().internal;
    ASSERT_TRUE(swept.ok()) << swept.error().internal;
    ASSERT_EQ(swept->size(), 3u);
    for (const auto& o : *swept) EXPECT_NE(o.id, due[0].id);
    EXPECT_EQ(repo_->find(due[0].id)->status, OrderStatus::PaymentPending);

    auto rest = repo_->expireDue(kNow, 10, [&](const Order& o) { return message(o, "order.expired"); });
    ASSERT_TRUE(rest.ok());
    ASSERT_EQ(rest->size(), 1u);
    EXPECT_EQ((*rest)[0].id, due[0].id);
}

// The statements are prepared once per connection (pg_statements.hpp): a connection that lost
// them, or a new one after a reconnect, must prepare them again rather than fail. Without
// prepared statements (PgBouncer in transaction mode) the server never holds a named one.
TEST_P(OrderRepositoryPgTest, StatementsForgottenByTheServerAreTransparentlyPreparedAgain) {
    DatabaseOptions o;
    o.url = url_;
    o.poolSize = 1;  // one connection: every call below runs on the one that was DEALLOCATEd
    o.preparedStatements = GetParam().prepared;
    auto db = Database::open(o);
    auto repoOwner = sql::makeOrderRepository(*db);
    OrderRepository& repo = *repoOwner;
    Order first = makeOrder({"FLOOR-A-1"});
    ASSERT_TRUE(repo.create(first, message(first, "order.created")).ok());
    ASSERT_TRUE(repo.find(first.id).ok());
    long long prepared = 0;
    ASSERT_TRUE(db->run([&](soci::session& s) {
                      s << "SELECT COUNT(*) FROM pg_prepared_statements WHERE name LIKE 'bx_%'", soci::into(prepared);
                      s << "DEALLOCATE ALL";
                  }).ok());
    EXPECT_EQ(prepared, GetParam().prepared ? 2 : 0);  // create and find, once each on this connection

    Order second = makeOrder({"FLOOR-A-2"});
    auto created = repo.create(second, message(second, "order.created"));
    ASSERT_TRUE(created.ok()) << created.error().internal;
    auto found = repo.find(second.id);
    ASSERT_TRUE(found.ok()) << found.error().internal;
    EXPECT_EQ(found->status, OrderStatus::PaymentPending);
    OrderTransition t{
        second.id, OrderStatus::Confirmed, kNow + 1, "pay", {}, message(second, "order.confirmed", kNow + 1)};
    t.tickets.push_back({"T-2", SeatId{"FLOOR-A-2"}, second.id, second.showId, second.userId, kNow + 1, {}});
    auto confirmed = repo.transition(t);
    ASSERT_TRUE(confirmed.ok()) << confirmed.error().internal;
    EXPECT_EQ(confirmed->tickets.size(), 1u);
    ASSERT_TRUE(
        repo.expireDue(kNow + kWindow, 10, [&](const Order& due) { return message(due, "order.expired"); }).ok());
    ASSERT_TRUE(db->run([&](soci::session& s) {
                      s << "SELECT COUNT(*) FROM pg_prepared_statements WHERE name LIKE 'bx_%'", soci::into(prepared);
                  }).ok());
    // create, find, confirm again; the sweeper's batch runs in a transaction, unnamed.
    EXPECT_EQ(prepared, GetParam().prepared ? 3 : 0);
}

TEST_P(OrderRepositoryPgTest, OrdersKeepWorkingAfterEveryPooledConnectionWasTerminated) {
    Order o = makeOrder({"FLOOR-A-1", "FLOOR-A-2"});
    ASSERT_TRUE(repo_->create(o, message(o, "order.created")).ok());
    ASSERT_TRUE(repo_->find(o.id).ok());

    std::string name;
    ASSERT_TRUE(db_->run([&](soci::session& s) { s << "SELECT current_database()", soci::into(name); }).ok());
    DatabaseOptions admin;
    admin.url = TestEnv::get().pgUrl;
    admin.poolSize = 1;
    auto other = Database::open(admin);
    long long alive = -1;
    ASSERT_TRUE(other
                    ->run([&](soci::session& s) {
                        s << "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = :d "
                             "AND backend_type = 'client backend'",
                            soci::use(name), soci::into(alive);
                        for (int i = 0; i < 100 && alive > 0; ++i) {  // backends exit asynchronously
                            std::this_thread::sleep_for(20ms);
                            s << "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = :d "
                                 "AND backend_type = 'client backend'",
                                soci::use(name), soci::into(alive);
                        }
                    })
                    .ok());
    ASSERT_EQ(alive, 0);

    // Each call meets a dead connection, reconnects once, and prepares on the new one.
    auto found = repo_->find(o.id);
    ASSERT_TRUE(found.ok()) << found.error().internal;
    EXPECT_EQ(found->seats.size(), 2u);
    auto confirmed = confirm(o, kNow + 1);
    ASSERT_TRUE(confirmed.ok()) << confirmed.error().internal;
    EXPECT_EQ(confirmed->tickets.size(), 2u);
    Order next = makeOrder({"FLOOR-A-3"});
    ASSERT_TRUE(repo_->create(next, message(next, "order.created")).ok());
    auto cancelled = moveTo(next, OrderStatus::Cancelled, kNow + 2, "order.cancelled");
    ASSERT_TRUE(cancelled.ok()) << cancelled.error().internal;
    EXPECT_EQ(cancelled->seats.size(), 1u);
}

// PostgreSQL breaks a deadlock by rolling one side back (sqlstate 40P01). An operator's or a
// migration's transaction that locks the order tables one after the other can catch a
// confirmation between them: a prepared confirmation locks order_seats (which it reads) before
// orders (which it updates). Outside a transaction block nothing of the aborted statement was
// applied, so it is run again and succeeds once the other transaction commits; before, the client
// got a 500 (found by the fault suite's pg-stall run in CI).
TEST_P(OrderRepositoryPgTest, ConfirmationAbortedToBreakADeadlockIsRunAgainAndSucceeds) {
    DatabaseOptions one;
    one.url = url_;
    one.poolSize = 1;  // one connection, so the confirmation below runs already prepared
    one.poolWait = 10s;
    one.preparedStatements = GetParam().prepared;
    auto db = Database::open(one);
    auto repo = sql::makeOrderRepository(*db);
    auto confirmOn = [&](const Order& o) {
        OrderTransition t{o.id, OrderStatus::Confirmed, kNow + 1, "pay", {}, message(o, "order.confirmed", kNow + 1)};
        for (const auto& s : o.seats)
            t.tickets.push_back({"T-" + s.seatId.str(), s.seatId, o.id, o.showId, o.userId, kNow + 1, {}});
        return repo->transition(t);
    };
    Order warm = makeOrder({"FLOOR-A-1"});
    Order o = makeOrder({"FLOOR-A-2", "FLOOR-A-3"});
    ASSERT_TRUE(repo->create(warm, message(warm, "order.created")).ok());
    ASSERT_TRUE(repo->create(o, message(o, "order.created")).ok());
    ASSERT_TRUE(confirmOn(warm).ok());

    DatabaseOptions other;
    other.url = url_;
    other.poolSize = 1;
    other.poolWait = 10s;
    auto locker = Database::open(other);
    Result<Order> confirmed = Error{};
    std::thread confirmer;
    bool seatsLockedByTheConfirmation = false;
    auto held = locker->transact([&](soci::session& s) -> Result<void> {
        // This side checks for deadlocks only after 30 s, so PostgreSQL aborts the confirmation.
        s << "SET LOCAL deadlock_timeout = '30s'";
        s << "LOCK TABLE orders IN ACCESS EXCLUSIVE MODE";
        confirmer = std::thread([&] { confirmed = confirmOn(o); });
        const std::string locks =
            "SELECT COUNT(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
            "AND l.pid <> pg_backend_pid() AND c.relname = ";
        long long waiting = 0;
        for (int i = 0; i < 1000 && waiting == 0; ++i) {
            s << locks + "'orders' AND NOT l.granted", soci::into(waiting);
            if (waiting == 0) std::this_thread::sleep_for(10ms);
        }
        long long seats = 0;
        s << locks + "'order_seats' AND l.granted", soci::into(seats);
        seatsLockedByTheConfirmation = waiting > 0 && seats > 0;
        s << "LOCK TABLE order_seats IN ACCESS EXCLUSIVE MODE";  // the deadlock, when it holds order_seats
        std::this_thread::sleep_for(200ms);
        return {};
    });
    if (confirmer.joinable()) confirmer.join();
    ASSERT_TRUE(held.ok()) << held.error().internal;
    // With prepared statements the scenario is a real deadlock; unnamed statements are parsed
    // afresh and lock orders first, so they only wait.
    if (GetParam().prepared) {
        EXPECT_TRUE(seatsLockedByTheConfirmation) << "the test no longer forms a deadlock";
    }
    ASSERT_TRUE(confirmed.ok()) << confirmed.error().internal;
    EXPECT_EQ(confirmed->status, OrderStatus::Confirmed);
    EXPECT_EQ(confirmed->tickets.size(), 2u);
    EXPECT_EQ(count("SELECT COUNT(*) FROM tickets WHERE order_id = '" + o.id.str() + "'"), 2);
    EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE event_type = 'order.confirmed' AND aggregate_id = '" +
                    o.id.str() + "'"),
              1);
}

INSTANTIATE_TEST_SUITE_P(Postgres, OrderRepositoryPgTest,
                         ::testing::Values(Store{Dialect::Postgres, true}, Store{Dialect::Postgres, false}), storeName);

INSTANTIATE_TEST_SUITE_P(Dialects, OrderRepositoryTest,
                         ::testing::Values(Store{Dialect::Postgres, true}, Store{Dialect::Postgres, false},
                                           Store{Dialect::Sqlite, false}),
                         storeName);

}  // namespace
