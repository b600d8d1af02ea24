#pragma once
// The fixture of the order repository tests (order_repository_*_test.cpp): each dialect
// against real PostgreSQL (a fresh database per test), with prepared statements and without
// (BOXOFFICE_DB_PREPARED=false, as behind PgBouncer in transaction mode), and SQLite (a fresh
// file), with the schema built by the real migrations and a venue with two shows.
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

namespace boxoffice::testing::order_repository {

using namespace boxoffice;
using boxoffice::sql::Database;
using boxoffice::sql::DatabaseOptions;
using boxoffice::sql::Dialect;
using boxoffice::testing::TestEnv;
using namespace std::chrono_literals;

inline constexpr EpochMs kNow = 1'800'000'000'000;
inline constexpr EpochMs kWindow = 10 * 60 * 1000;

struct Store {
    Dialect dialect;
    bool prepared;  // PostgreSQL: BOXOFFICE_DB_PREPARED
};

inline std::string storeName(const ::testing::TestParamInfo<Store>& info) {
    if (info.param.dialect == Dialect::Sqlite) return "Sqlite";
    return info.param.prepared ? "Postgres" : "PostgresUnprepared";
}

inline std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

inline std::vector<std::string> sortedSeatIds(const Order& o) {
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

// Row locks exist on PostgreSQL only; SQLite serialises every writer instead.
class OrderRepositoryPgTest : public OrderRepositoryTest {};

}  // namespace boxoffice::testing::order_repository
