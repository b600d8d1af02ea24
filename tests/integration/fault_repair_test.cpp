// The defects a fault-injection run found (issue 9), each reproduced over HTTP on the real stack
// and shown repaired: a store that lost a sale is repaired from SQL; a retried confirmation sells
// again; a failed order keeps its hold; an expired order's seats stay its own until SQL frees them;
// a retry after a crashed claim learns the true outcome; a claim whose answer was never stored is
// forgotten once its lease passes; a hold with a key never waits on SQL.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <chrono>
#include <future>
#include <thread>

#include "app/demo_seed.hpp"
#include "storage/redis/redis_connection.hpp"
#include "storage/redis/redis_hold_store.hpp"
#include "storage/sql/sql_catalog_repository.hpp"
#include "storage/sql/sql_idempotency_store.hpp"
#include "support/fake_clock.hpp"
#include "support/test_app.hpp"
#include "support/test_env.hpp"
#include "util/random_id.hpp"
#include "util/sha256.hpp"

namespace boxoffice::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class FaultRepair : public ::testing::TestWithParam<Backend> {
protected:
    void start(const std::function<void(app::Config&)>& tweak = {}) {
        app_ = std::make_unique<TestApp>(
            GetParam(),
            [&](app::Config& c) {
                c.booking.holdTtl = 60s;
                c.booking.paymentWindow = 30s;
                c.booking.sweepInterval = 50ms;
                c.booking.reconcileInterval = 50ms;
                c.seatmapAvailabilityTtl = 1ms;
                c.seatmapShowTtl = 1ms;
                if (tweak) tweak(c);
            },
            &clock_);
        sql::SqlCatalogRepository repo(app_->app().database());
        util::RandomIdGenerator ids;
        auto demo = app::seedDemo(repo, clock_, ids, 200);  // FLOOR1, rows A-D of 50 seats
        ASSERT_TRUE(demo.ok()) << demo.error().detail << demo.error().internal;
        show_ = demo->show.id.str();
        alice_ = app_->userToken("alice");
        bob_ = app_->userToken("bob");
    }

    HttpResult hold(HttpClient& c, const std::string& token, const std::vector<std::string>& seats,
                    const std::vector<std::string>& extra = {}) {
        std::vector<std::string> headers{"Content-Type: application/json", "Authorization: Bearer " + token};
        headers.insert(headers.end(), extra.begin(), extra.end());
        return c.request("POST", "/v1/holds", json{{"showId", show_}, {"seatIds", seats}}.dump(), headers);
    }
    HttpResult order(HttpClient& c, const std::string& token, const std::string& holdId) {
        return c.post("/v1/orders",
                      {{"holdId", holdId},
                       {"customer", {{"name", "Alice"}, {"email", "alice@example.com"}, {"phone", "+33 1 23 45 67"}}}},
                      token);
    }
    static std::string confirmBody(const std::string& orderId) {
        return json{{"paymentReference", "psp-" + orderId}}.dump();
    }
    HttpResult confirm(HttpClient& c, const std::string& token, const std::string& orderId,
                       const std::vector<std::string>& extra = {}) {
        std::vector<std::string> headers{"Content-Type: application/json", "Authorization: Bearer " + token};
        headers.insert(headers.end(), extra.begin(), extra.end());
        return c.request("POST", "/v1/orders/" + orderId + "/confirm-payment", confirmBody(orderId), headers);
    }
    char status(HttpClient& c, const std::string& seat) {
        clock_.advance(2ms);  // past the seat map's snapshot sharing
        const std::string st = c.get("/v1/shows/" + show_ + "/seatmap/availability").json()["statuses"];
        const int row = seat[7] - 'A';
        const int n = std::stoi(seat.substr(9));
        return st[static_cast<std::size_t>(row * 50 + n - 1)];
    }
    // Polls the seat map (real time) until `seat` shows `want` or `within` passes.
    bool eventually(HttpClient& c, const std::string& seat, char want, std::chrono::milliseconds within) {
        const auto until = std::chrono::steady_clock::now() + within;
        while (std::chrono::steady_clock::now() < until) {
            if (status(c, seat) == want) return true;
            std::this_thread::sleep_for(20ms);
        }
        return status(c, seat) == want;
    }
    std::string sold(HttpClient& c, const std::string& token, const std::string& seat) {
        auto h = hold(c, token, {seat});
        EXPECT_EQ(h.status, 201) << h.body;
        auto o = order(c, token, h.json()["holdId"]);
        EXPECT_EQ(o.status, 201) << o.body;
        auto conf = confirm(c, token, o.json()["orderId"]);
        EXPECT_EQ(conf.status, 200) << conf.body;
        return o.json()["orderId"];
    }
    // What a Redis that came back with an older snapshot looks like for one sold seat: the seat
    // never taken, the sold count one lower (the ready flag is still there).
    void forgetSaleInRedis(const std::string& seat) {
        std::string err;
        redis::RedisOptions ro;
        ro.endpoint = *redis::parseRedisUrl(TestEnv::get().redisUrl, err);
        redis::RedisConnection r(ro);
        const std::string key = redis::RedisHoldStore::seatsKey(ShowId{show_});
        ASSERT_EQ(r.command({"HDEL", key, seat})->integer, 1);
        ASSERT_TRUE(r.command({"HINCRBY", key, "#sold", "-1"}).ok());
    }
    // A PostgreSQL session of its own that locks the order tables until `release` is fulfilled:
    // the database stalls for every write to them.
    std::thread lockOrderTables(std::future<void> release, std::promise<void>& locked) {
        return std::thread([this, release = std::move(release), &locked]() mutable {
            // A connection of the application's own pool, held for the whole stall.
            auto r = app_->app().database().run([&](soci::session& s) {
                s << "BEGIN";
                s << "LOCK TABLE orders, order_seats, idempotency_keys IN ACCESS EXCLUSIVE MODE";
                locked.set_value();
                release.wait();
                s << "ROLLBACK";
            });
            EXPECT_TRUE(r.ok()) << r.error().internal;
        });
    }

    FakeClock clock_;
    std::unique_ptr<TestApp> app_;
    std::string show_, alice_, bob_;
};

class FaultRepairRedis : public FaultRepair {};

// Before: the store kept believing the seat was free (the flag said "ready"), the seat map showed
// it AVAILABLE and Bob was handed a hold on a seat Alice had bought.
TEST_P(FaultRepairRedis, AStoreThatLostASaleIsRepairedFromTheDatabase) {
    start();
    auto c = app_->client();
    sold(c, alice_, "FLOOR1-A-1");
    ASSERT_EQ(status(c, "FLOOR1-A-1"), 'S');
    forgetSaleInRedis("FLOOR1-A-1");
    EXPECT_TRUE(eventually(c, "FLOOR1-A-1", 'S', 2s)) << "repaired within 2 s";
    auto h = hold(c, bob_, {"FLOOR1-A-1"});
    EXPECT_EQ(h.status, 409) << h.body;
    EXPECT_EQ(h.json()["code"], "SEATS_UNAVAILABLE");
}

// Before: a refund whose release never reached the store (Redis down for that call) left its seats
// sold in the store for good, since a repair only ever added SQL's claims: capacity stranded.
TEST_P(FaultRepairRedis, ARefundWhoseReleaseNeverReachedTheStoreIsRepairedFromTheDatabase) {
    start();
    auto c = app_->client();
    const std::string orderId = sold(c, alice_, "FLOOR1-A-3");
    ASSERT_EQ(status(c, "FLOOR1-A-3"), 'S');
    // What reserveRefund commits (the seat leaves the order, its ticket is voided), with no release.
    auto refunded = app_->app().database().run([&](soci::session& sql) {
        sql << "UPDATE order_seats SET active = 0 WHERE order_id = :id", soci::use(orderId);
        sql << "UPDATE tickets SET voided = 1 WHERE order_id = :id", soci::use(orderId);
    });
    ASSERT_TRUE(refunded);
    EXPECT_TRUE(eventually(c, "FLOOR1-A-3", 'A', 2s)) << "back on sale within 2 s";
    EXPECT_EQ(hold(c, bob_, {"FLOOR1-A-3"}).status, 201);
}

// Before: a confirmation retried after the first died between the commit and the sale returned
// the order early and never sold the seat in the store.
TEST_P(FaultRepairRedis, ARetriedConfirmationSellsTheSeatsAgain) {
    start([](app::Config& c) { c.booking.reconcileInterval = std::chrono::hours(1); });  // no repair but the retry's
    auto c = app_->client();
    const std::string orderId = sold(c, alice_, "FLOOR1-A-2");
    forgetSaleInRedis("FLOOR1-A-2");
    ASSERT_EQ(status(c, "FLOOR1-A-2"), 'A');
    auto again = confirm(c, alice_, orderId);
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(status(c, "FLOOR1-A-2"), 'S');
}

// Before: a hold with an Idempotency-Key claimed its key in PostgreSQL, so a stalled database
// turned holds into 503s although holds otherwise never touch it.
TEST_P(FaultRepairRedis, AHoldWithAKeyDoesNotWaitOnAStalledDatabase) {
    start([](app::Config& c) { c.database.statementTimeout = 2s; });
    auto c = app_->client();
    ASSERT_EQ(hold(c, alice_, {"FLOOR1-B-9"}).status, 201);  // the show is cached and ready
    std::promise<void> locked, release;
    auto locker = lockOrderTables(release.get_future(), locked);
    locked.get_future().wait();
    const auto started = std::chrono::steady_clock::now();
    auto h = hold(c, bob_, {"FLOOR1-B-1"}, {"Idempotency-Key: stalled-1"});
    const auto took = std::chrono::steady_clock::now() - started;
    auto replay = hold(c, bob_, {"FLOOR1-B-1"}, {"Idempotency-Key: stalled-1"});
    release.set_value();
    locker.join();
    ASSERT_EQ(h.status, 201) << h.body;
    EXPECT_LT(took, 1s);
    EXPECT_EQ(replay.status, 201) << replay.body;
    EXPECT_EQ(replay.header("idempotent-replayed"), "true");
    EXPECT_EQ(replay.json()["holdId"], h.json()["holdId"]);
}

class FaultRepairPostgres : public FaultRepair {};

// Before: the hold was marked ordered before the INSERT and never given back, so every retry of
// the order got 409 HOLD_NOT_ACTIVE.
TEST_P(FaultRepairPostgres, AnOrderThatFailedKeepsItsHoldAndItsRetrySucceeds) {
    start([](app::Config& c) { c.database.statementTimeout = 300ms; });
    auto c = app_->client();
    auto h = hold(c, alice_, {"FLOOR1-C-1", "FLOOR1-C-2"});
    ASSERT_EQ(h.status, 201) << h.body;
    const std::string holdId = h.json()["holdId"];
    {
        std::promise<void> locked, release;
        auto locker = lockOrderTables(release.get_future(), locked);
        locked.get_future().wait();
        auto failed = order(c, alice_, holdId);
        release.set_value();
        locker.join();
        ASSERT_EQ(failed.status, 503) << failed.body;
        EXPECT_FALSE(failed.header("retry-after").empty());
    }
    EXPECT_EQ(c.get("/v1/holds/" + holdId, {"Authorization: Bearer " + alice_}).json()["status"], "HELD");
    EXPECT_EQ(status(c, "FLOOR1-C-1"), 'H');
    auto retry = order(c, alice_, holdId);
    ASSERT_EQ(retry.status, 201) << retry.body;
    // And once more: the order the first retry made is the answer, not a second order.
    auto again = order(c, alice_, holdId);
    ASSERT_EQ(again.status, 201) << again.body;
    EXPECT_EQ(again.json()["orderId"], retry.json()["orderId"]);
}

class FaultRepairAll : public FaultRepair {};

// Before: the store freed an order's seats the instant its window closed while SQL kept them
// until the next sweep, so a new hold on them was granted and its order refused with 409.
TEST_P(FaultRepairAll, AnExpiredOrdersSeatsAreFreeInTheStoreNoEarlierThanInTheDatabase) {
    start([](app::Config& c) { c.booking.sweepInterval = std::chrono::hours(1); });  // no sweep during the test
    auto c = app_->client();
    auto h = hold(c, alice_, {"FLOOR1-D-1"});
    ASSERT_EQ(h.status, 201) << h.body;
    auto o = order(c, alice_, h.json()["holdId"]);
    ASSERT_EQ(o.status, 201) << o.body;
    clock_.advance(31s);  // the payment window has closed; SQL has not expired the order yet
    auto early = hold(c, bob_, {"FLOOR1-D-1"});
    EXPECT_EQ(early.status, 409) << "a hold the order would refuse is never granted: " << early.body;
    // Reading the order expires it in SQL and frees its seats in the store, at once.
    EXPECT_EQ(c.get("/v1/orders/" + o.json()["orderId"].get<std::string>(), {"Authorization: Bearer " + alice_})
                  .json()["status"],
              "EXPIRED");
    auto hb = hold(c, bob_, {"FLOOR1-D-1"});
    ASSERT_EQ(hb.status, 201) << hb.body;
    EXPECT_EQ(order(c, bob_, hb.json()["holdId"]).status, 201);
}

// Before: a key claimed by a process that died before storing the answer answered 409 "in
// progress" for 24 hours, so a client whose payment went through could never learn it.
TEST_P(FaultRepairAll, ARetryAfterACrashedClaimLearnsTheTrueOutcome) {
    start();
    auto c = app_->client();
    auto h = hold(c, alice_, {"FLOOR1-D-5"});
    ASSERT_EQ(h.status, 201) << h.body;
    auto o = order(c, alice_, h.json()["holdId"]);
    ASSERT_EQ(o.status, 201) << o.body;
    const std::string orderId = o.json()["orderId"];
    // The crashed request: it claimed its key, confirmed the order in SQL, and died.
    const std::string path = "/v1/orders/" + orderId + "/confirm-payment";
    sql::SqlIdempotencyStore keys(app_->app().database());
    const EpochMs now = clock_.nowMs();
    auto claimed = keys.claim(UserId{"alice"}, "pay-1", util::sha256Hex("POST " + path + "\n" + confirmBody(orderId)),
                              now, now + 24 * 3600 * 1000, IdempotencyLease{"crashed", now + 10'000});
    ASSERT_TRUE(claimed.ok());
    ASSERT_EQ(claimed->kind, IdempotencyClaim::Kind::Claimed);
    auto confirmed = app_->app().booking().confirm(UserId{"alice"}, OrderId{orderId}, "psp-" + orderId, "");
    ASSERT_TRUE(confirmed.ok());

    clock_.advance(11s);  // the crashed claim's lease has passed
    auto retry = confirm(c, alice_, orderId, {"Idempotency-Key: pay-1"});
    ASSERT_EQ(retry.status, 200) << retry.body;
    EXPECT_EQ(retry.json()["status"], "CONFIRMED");
    ASSERT_EQ(retry.json()["tickets"].size(), 1u);
    EXPECT_EQ(retry.json()["tickets"][0]["ticketCode"], confirmed->tickets.front().code);
    auto replay = confirm(c, alice_, orderId, {"Idempotency-Key: pay-1"});
    EXPECT_EQ(replay.status, 200);
    EXPECT_EQ(replay.header("idempotent-replayed"), "true");
}

// Before: a request that answered while the database went away (its confirmation committed, then
// the connection died) could neither store its answer nor abandon its claim, and nothing tried
// again: the key read "in progress" until it expired a day later (fault pg-restart). The sweeper
// now forgets such a claim once its lease has passed, never before, and the retry still learns
// the true outcome.
TEST_P(FaultRepairAll, AClaimWhoseAnswerWasNeverStoredIsForgottenOnceItsLeasePasses) {
    start([](app::Config& c) { c.booking.idempotencyLease = 2s; });
    auto c = app_->client();
    auto h = hold(c, alice_, {"FLOOR1-D-7"});
    ASSERT_EQ(h.status, 201) << h.body;
    auto o = order(c, alice_, h.json()["holdId"]);
    ASSERT_EQ(o.status, 201) << o.body;
    const std::string orderId = o.json()["orderId"];
    // The answered request: it claimed its key, confirmed the order, answered 200, and lost both
    // the completion and the abandon to the outage.
    const std::string path = "/v1/orders/" + orderId + "/confirm-payment";
    sql::SqlIdempotencyStore keys(app_->app().database());
    const EpochMs now = clock_.nowMs();
    auto claimed = keys.claim(UserId{"alice"}, "pay-7", util::sha256Hex("POST " + path + "\n" + confirmBody(orderId)),
                              now, now + 24 * 3600 * 1000, IdempotencyLease{"answered", now + 2'000});
    ASSERT_TRUE(claimed.ok());
    ASSERT_EQ(claimed->kind, IdempotencyClaim::Kind::Claimed);
    auto confirmed = app_->app().booking().confirm(UserId{"alice"}, OrderId{orderId}, "psp-" + orderId, "");
    ASSERT_TRUE(confirmed.ok());
    const auto open = [&] {
        long long n = -1;
        auto r = app_->app().database().run([&](soci::session& s) {
            s << "SELECT COUNT(*) FROM idempotency_keys WHERE user_id = 'alice' AND idem_key = 'pay-7' AND "
                 "status_code IS NULL",
                soci::into(n);
        });
        EXPECT_TRUE(r.ok()) << r.error().internal;
        return n;
    };

    clock_.advance(1s);
    std::this_thread::sleep_for(300ms);  // six sweeps (50 ms apart)
    EXPECT_EQ(open(), 1) << "a claim within its lease is never forgotten";
    clock_.advance(1s);  // the lease has passed
    const auto until = std::chrono::steady_clock::now() + 3s;
    while (open() != 0 && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(20ms);
    EXPECT_EQ(open(), 0) << "the dead claim still reads in progress";

    auto retry = confirm(c, alice_, orderId, {"Idempotency-Key: pay-7"});
    ASSERT_EQ(retry.status, 200) << retry.body;
    EXPECT_EQ(retry.json()["status"], "CONFIRMED");
    ASSERT_EQ(retry.json()["tickets"].size(), 1u);
    EXPECT_EQ(retry.json()["tickets"][0]["ticketCode"], confirmed->tickets.front().code);
    EXPECT_EQ(open(), 0);
}

std::string nameOf(const ::testing::TestParamInfo<Backend>& p) {
    return backendName(p.param);
}

INSTANTIATE_TEST_SUITE_P(Stack, FaultRepairRedis, ::testing::Values(Backend::PostgresRedis), nameOf);
INSTANTIATE_TEST_SUITE_P(Postgres, FaultRepairPostgres, ::testing::Values(Backend::Postgres, Backend::PostgresRedis),
                         nameOf);
INSTANTIATE_TEST_SUITE_P(All, FaultRepairAll,
                         ::testing::Values(Backend::Sqlite, Backend::Postgres, Backend::PostgresRedis), nameOf);

}  // namespace
}  // namespace boxoffice::testing
