// The booking flow over HTTP on the embedded default (SQLite + in-process holds) and on the
// deployed stack (PostgreSQL + Redis): hold -> order -> confirm, releases, expiry without sleeping
// (an injected clock), object-level authorization, idempotency and the per-user cap. Booking with
// Redis unreachable is in booking_without_redis_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <set>
#include <thread>

#include <soci/soci.h>

#include "app/demo_seed.hpp"
#include "storage/sql/sql_catalog_repository.hpp"
#include "support/fake_clock.hpp"
#include "support/test_app.hpp"
#include "util/random_id.hpp"

namespace boxoffice::testing {
namespace {

using nlohmann::json;

class BookingApi : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        app_ = std::make_unique<TestApp>(
            GetParam(),
            [](app::Config& c) {
                c.booking.holdTtl = std::chrono::seconds(60);
                c.booking.paymentWindow = std::chrono::seconds(30);
                c.booking.sweepInterval = std::chrono::milliseconds(50);
                c.seatmapAvailabilityTtl = std::chrono::milliseconds(1);
                c.seatmapShowTtl = std::chrono::milliseconds(1);
            },
            &clock_);
        sql::SqlCatalogRepository repo(app_->app().database());
        util::RandomIdGenerator ids;
        auto demo = app::seedDemo(repo, clock_, ids, 200);  // FLOOR1, rows A-D of 50 seats, tier VIP 150.00 EUR
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
        return c.post(
            "/v1/orders",
            {{"holdId", holdId},
             {"customer", {{"name", "Alice"}, {"email", "alice@example.com"}, {"phone", "+33 1 23 45 67 89"}}}},
            token);
    }
    HttpResult confirm(HttpClient& c, const std::string& token, const std::string& orderId) {
        return c.post("/v1/orders/" + orderId + "/confirm-payment", {{"paymentReference", "psp-" + orderId}}, token);
    }
    std::string statuses(HttpClient& c) {
        clock_.advance(std::chrono::milliseconds(2));  // past the seat map's snapshot sharing
        return c.get("/v1/shows/" + show_ + "/seatmap/availability").json()["statuses"];
    }
    // Position of FLOOR1-<row>-<n> in layout order.
    static std::size_t pos(char row, int n) { return static_cast<std::size_t>((row - 'A') * 50 + (n - 1)); }

    FakeClock clock_;
    std::unique_ptr<TestApp> app_;
    std::string show_, alice_, bob_;
};

TEST_P(BookingApi, HoldOrderConfirmAndTheSeatMapFollows) {
    auto c = app_->client();
    EXPECT_EQ(statuses(c)[pos('A', 1)], 'A');
    auto h = hold(c, alice_, {"FLOOR1-A-1", "FLOOR1-A-2"});
    ASSERT_EQ(h.status, 201) << h.body;
    EXPECT_EQ(h.json()["status"], "HELD");
    EXPECT_EQ(h.json()["seatIds"].size(), 2u);
    const std::string holdId = h.json()["holdId"];
    std::string st = statuses(c);
    EXPECT_EQ(st[pos('A', 1)], 'H');
    EXPECT_EQ(st[pos('A', 2)], 'H');
    EXPECT_EQ(st[pos('A', 3)], 'A');

    auto o = order(c, alice_, holdId);
    ASSERT_EQ(o.status, 201) << o.body;
    EXPECT_EQ(o.json()["status"], "PAYMENT_PENDING");
    EXPECT_EQ(o.json()["amount"], 30000) << "2 VIP seats at 150.00, priced by the service";
    EXPECT_EQ(o.json()["currency"], "EUR");
    const std::string orderId = o.json()["orderId"];
    EXPECT_EQ(c.get("/v1/holds/" + holdId, {"Authorization: Bearer " + alice_}).json()["status"], "ORDERED");
    EXPECT_EQ(statuses(c)[pos('A', 1)], 'H');

    auto conf = confirm(c, alice_, orderId);
    ASSERT_EQ(conf.status, 200) << conf.body;
    EXPECT_EQ(conf.json()["status"], "CONFIRMED");
    ASSERT_EQ(conf.json()["tickets"].size(), 2u);
    std::set<std::string> ticketSeats;
    const json confirmed = conf.json();
    for (const auto& t : confirmed["tickets"]) ticketSeats.insert(t["seatId"].get<std::string>());
    EXPECT_EQ(ticketSeats, (std::set<std::string>{"FLOOR1-A-1", "FLOOR1-A-2"}));
    st = statuses(c);
    EXPECT_EQ(st[pos('A', 1)], 'S');
    EXPECT_EQ(st[pos('A', 2)], 'S');

    // A second confirm returns the same tickets.
    auto again = confirm(c, alice_, orderId);
    ASSERT_EQ(again.status, 200);
    EXPECT_EQ(again.json()["tickets"], conf.json()["tickets"]);

    auto mine = c.get("/v1/me/orders", {"Authorization: Bearer " + alice_});
    ASSERT_EQ(mine.json()["items"].size(), 1u);
    EXPECT_EQ(mine.json()["items"][0]["orderId"], orderId);
    auto tickets = c.get("/v1/me/tickets", {"Authorization: Bearer " + alice_});
    EXPECT_EQ(tickets.json()["items"].size(), 2u);
    EXPECT_EQ(c.get("/v1/me/tickets", {"Authorization: Bearer " + bob_}).json()["items"].size(), 0u);

    // Sold seats cannot be held again, by anyone.
    auto taken = hold(c, bob_, {"FLOOR1-A-2", "FLOOR1-A-3"});
    ASSERT_EQ(taken.status, 409);
    EXPECT_EQ(taken.json()["code"], "SEATS_UNAVAILABLE");
    EXPECT_EQ(taken.json()["seats"], json::array({"FLOOR1-A-2"}));
    EXPECT_EQ(statuses(c)[pos('A', 3)], 'A') << "all or nothing: the free seat was not held";
}

TEST_P(BookingApi, BadHoldsGetClearProblems) {
    auto c = app_->client();
    auto problem = [&](const HttpResult& r, int status, const std::string& code) {
        EXPECT_EQ(r.status, status) << r.body;
        EXPECT_EQ(r.header("content-type"), "application/problem+json");
        EXPECT_EQ(r.json().value("code", ""), code) << r.body;
    };
    problem(hold(c, alice_, {}), 422, "VALIDATION_FAILED");
    problem(hold(c, alice_, {"FLOOR1-A-1", "FLOOR1-A-1"}), 422, "VALIDATION_FAILED");
    problem(hold(c, alice_, {"FLOOR1-Z-99"}), 422, "VALIDATION_FAILED");
    std::vector<std::string> eleven;
    for (int i = 1; i <= 11; ++i) eleven.push_back("FLOOR1-B-" + std::to_string(i));
    problem(hold(c, alice_, eleven), 422, "VALIDATION_FAILED");
    problem(c.post("/v1/holds", {{"showId", "00000000-0000-4000-8000-000000000000"}, {"seatIds", {"A-1"}}}, alice_),
            404, "NOT_FOUND");
    problem(c.post("/v1/holds", {{"showId", show_}, {"seatIds", "FLOOR1-A-1"}}, alice_), 422, "VALIDATION_FAILED");
    problem(c.request("POST", "/v1/holds",
                      "{\"showId\":", {"Content-Type: application/json", "Authorization: Bearer " + alice_}),
            400, "MALFORMED_JSON");
    problem(c.post("/v1/holds", {{"showId", show_}, {"seatIds", {"FLOOR1-A-1"}}}), 401, "UNAUTHENTICATED");
    // Sale not open: close the window, then hold.
    auto patch = c.patch("/v1/shows/" + show_,
                         {{"saleClosesAt", "2020-01-02T00:00:00Z"}, {"saleOpensAt", "2020-01-01T00:00:00Z"}},
                         app_->adminToken());
    ASSERT_EQ(patch.status, 200) << patch.body;
    clock_.advance(std::chrono::milliseconds(5));
    problem(hold(c, alice_, {"FLOOR1-A-1"}), 409, "SALE_NOT_OPEN");
    EXPECT_EQ(statuses(c).find_first_not_of('A'), std::string::npos) << "nothing was held by any of those";
}

TEST_P(BookingApi, BestAvailablePicksTheSeatsAndAnswersWithThem) {
    auto c = app_->client();
    auto best = [&](const json& body, const std::vector<std::string>& extra = {}) {
        std::vector<std::string> headers{"Content-Type: application/json", "Authorization: Bearer " + alice_};
        headers.insert(headers.end(), extra.begin(), extra.end());
        json b = body;
        b["showId"] = show_;
        return c.request("POST", "/v1/holds", b.dump(), headers);
    };
    // Rows of 50: the centre pair of the front row.
    auto pair = best({{"quantity", 2}, {"adjacent", true}});
    ASSERT_EQ(pair.status, 201) << pair.body;
    EXPECT_EQ(pair.json()["seatIds"], json({"FLOOR1-A-25", "FLOOR1-A-26"}));
    EXPECT_EQ(pair.json()["status"], "HELD");
    const std::string holdId = pair.json()["holdId"];
    auto again = c.get("/v1/holds/" + holdId, {"Authorization: Bearer " + alice_});
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(again.json()["seatIds"], pair.json()["seatIds"]);
    // The waiting lane (an Idempotency-Key) picks the same way; a tier filter; adjacent defaults to true.
    auto three = best({{"quantity", 3}, {"tier", "VIP"}}, {"Idempotency-Key: best-1"});
    ASSERT_EQ(three.status, 201) << three.body;
    EXPECT_EQ(three.json()["seatIds"], json({"FLOOR1-A-22", "FLOOR1-A-23", "FLOOR1-A-24"}));
    const std::string s = statuses(c);
    for (int n : {22, 23, 24, 25, 26}) EXPECT_EQ(s[pos('A', n)], 'H') << n;
    EXPECT_EQ(std::count(s.begin(), s.end(), 'H'), 5);

    auto problem = [&](const HttpResult& r, int status, const std::string& code, const std::string& field) {
        EXPECT_EQ(r.status, status) << r.body;
        EXPECT_EQ(r.header("content-type"), "application/problem+json");
        EXPECT_EQ(r.json().value("code", ""), code) << r.body;
        EXPECT_NE(r.body.find("\"" + field + "\""), std::string::npos) << r.body;
    };
    problem(best({{"quantity", 0}}), 422, "VALIDATION_FAILED", "quantity");
    problem(best({{"quantity", 11}}), 422, "VALIDATION_FAILED", "quantity");
    problem(best({{"quantity", "two"}}), 422, "VALIDATION_FAILED", "quantity");
    problem(best({{"quantity", 2}, {"seatIds", {"FLOOR1-B-1"}}}), 422, "VALIDATION_FAILED", "quantity");
    problem(best({{"quantity", 2}, {"tier", "GOLD"}}), 422, "VALIDATION_FAILED", "tier");
    problem(best({{"quantity", 2}, {"section", "BALCONY"}}), 422, "VALIDATION_FAILED", "section");
    problem(best({{"quantity", 2}, {"section", "FLOOR1"}, {"tier", "VIP"}}), 422, "VALIDATION_FAILED", "tier");
    problem(best({{"quantity", 2}, {"adjacent", "yes"}}), 422, "VALIDATION_FAILED", "adjacent");
    problem(best({{"seatIds", {"FLOOR1-B-1"}}, {"adjacent", false}}), 422, "VALIDATION_FAILED", "adjacent");
    const std::string after = statuses(c);
    EXPECT_EQ(std::count(after.begin(), after.end(), 'H'), 5) << "nothing was held by any of those";
    // The per-user cap: alice has 5 of 10.
    problem(best({{"quantity", 6}}), 409, "SEAT_LIMIT_REACHED", "code");
}

TEST_P(BookingApi, ReleaseCancelAndAnotherUsersResourcesAre404) {
    auto c = app_->client();
    auto h = hold(c, alice_, {"FLOOR1-C-1"});
    ASSERT_EQ(h.status, 201);
    const std::string holdId = h.json()["holdId"];
    const std::vector<std::string> asBob{"Authorization: Bearer " + bob_};

    // Bob sees nothing of Alice's hold and can do nothing to it.
    EXPECT_EQ(c.get("/v1/holds/" + holdId, asBob).status, 404);
    EXPECT_EQ(c.del("/v1/holds/" + holdId, bob_).status, 404);
    EXPECT_EQ(order(c, bob_, holdId).status, 404);
    EXPECT_EQ(statuses(c)[pos('C', 1)], 'H');

    auto o = order(c, alice_, holdId);
    ASSERT_EQ(o.status, 201) << o.body;
    const std::string orderId = o.json()["orderId"];
    EXPECT_EQ(c.get("/v1/orders/" + orderId, asBob).status, 404);
    EXPECT_EQ(confirm(c, bob_, orderId).status, 404);
    EXPECT_EQ(c.post("/v1/orders/" + orderId + "/cancel", json::object(), bob_).status, 404);
    EXPECT_EQ(c.get("/v1/orders/" + orderId, {"Authorization: Bearer " + alice_}).json()["status"], "PAYMENT_PENDING");

    // Alice cancels: the seat is available again at once and can be sold to Bob.
    auto cancel = c.post("/v1/orders/" + orderId + "/cancel", json::object(), alice_);
    ASSERT_EQ(cancel.status, 200) << cancel.body;
    EXPECT_EQ(cancel.json()["status"], "CANCELLED");
    EXPECT_EQ(statuses(c)[pos('C', 1)], 'A');
    EXPECT_EQ(confirm(c, alice_, orderId).status, 409);
    auto hb = hold(c, bob_, {"FLOOR1-C-1"});
    ASSERT_EQ(hb.status, 201) << hb.body;

    // Bob releases his hold: available again at once.
    auto rel = c.del("/v1/holds/" + hb.json()["holdId"].get<std::string>(), bob_);
    ASSERT_EQ(rel.status, 200) << rel.body;
    EXPECT_EQ(rel.json()["status"], "RELEASED");
    EXPECT_EQ(statuses(c)[pos('C', 1)], 'A');
    EXPECT_EQ(order(c, bob_, hb.json()["holdId"]).json()["code"], "HOLD_NOT_ACTIVE");
}

TEST_P(BookingApi, HoldsAndOrdersExpireAndTheirSeatsSellAgain) {
    auto c = app_->client();
    auto h = hold(c, alice_, {"FLOOR1-D-1"});
    ASSERT_EQ(h.status, 201);
    const std::string abandoned = h.json()["holdId"];
    clock_.advance(std::chrono::seconds(61));
    EXPECT_EQ(c.get("/v1/holds/" + abandoned, {"Authorization: Bearer " + alice_}).json()["status"], "EXPIRED");
    EXPECT_EQ(statuses(c)[pos('D', 1)], 'A');
    EXPECT_EQ(order(c, alice_, abandoned).json()["code"], "HOLD_NOT_ACTIVE");

    // An order keeps its seats after the hold's TTL, until its own window closes.
    auto h2 = hold(c, alice_, {"FLOOR1-D-1"});
    ASSERT_EQ(h2.status, 201) << h2.body;
    auto o = order(c, alice_, h2.json()["holdId"]);
    ASSERT_EQ(o.status, 201);
    const std::string late = o.json()["orderId"];
    clock_.advance(std::chrono::seconds(29));
    EXPECT_EQ(statuses(c)[pos('D', 1)], 'H');
    clock_.advance(std::chrono::seconds(2));
    // The background sweeper expires it (every 50 ms here); wait for it without moving time.
    std::string status;
    for (int i = 0; i < 100 && status != "EXPIRED"; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        auto got = app_->app().database().run([&](soci::session& s) {
            s << "SELECT status FROM orders WHERE id = :id", soci::use(late), soci::into(status);
        });
        ASSERT_TRUE(got.ok());
    }
    EXPECT_EQ(status, "EXPIRED") << "the sweeper expired the order";
    EXPECT_EQ(statuses(c)[pos('D', 1)], 'A');
    auto tooLate = confirm(c, alice_, late);
    EXPECT_EQ(tooLate.status, 409);
    EXPECT_EQ(tooLate.json()["code"], "ORDER_EXPIRED");

    // No stranded capacity: Bob buys the seat.
    auto hb = hold(c, bob_, {"FLOOR1-D-1"});
    ASSERT_EQ(hb.status, 201) << hb.body;
    auto ob = order(c, bob_, hb.json()["holdId"]);
    ASSERT_EQ(ob.status, 201) << ob.body;
    EXPECT_EQ(confirm(c, bob_, ob.json()["orderId"]).status, 200);
    EXPECT_EQ(statuses(c)[pos('D', 1)], 'S');
}

TEST_P(BookingApi, LazyExpiryOnReadAndConfirmAfterTheWindow) {
    auto c = app_->client();
    auto h = hold(c, alice_, {"FLOOR1-D-9"});
    ASSERT_EQ(h.status, 201);
    auto o = order(c, alice_, h.json()["holdId"]);
    ASSERT_EQ(o.status, 201);
    const std::string id = o.json()["orderId"];
    clock_.advance(std::chrono::seconds(31));
    auto conf = confirm(c, alice_, id);  // may race the sweeper: either way ORDER_EXPIRED
    EXPECT_EQ(conf.status, 409) << conf.body;
    EXPECT_EQ(conf.json()["code"], "ORDER_EXPIRED");
    EXPECT_EQ(c.get("/v1/orders/" + id, {"Authorization: Bearer " + alice_}).json()["status"], "EXPIRED");
}

TEST_P(BookingApi, PerUserCapAcrossHoldsAndOrdersUnderConcurrency) {
    // 20 concurrent single-seat holds by one user: exactly 10 win (the default cap).
    std::atomic<int> held{0}, capped{0}, other{0};
    std::vector<std::thread> threads;
    for (int i = 1; i <= 20; ++i) {
        threads.emplace_back([&, i] {
            HttpClient c(app_->port());
            auto r = hold(c, alice_, {"FLOOR1-B-" + std::to_string(i)});
            if (r.status == 201)
                ++held;
            else if (r.status == 409 && r.json()["code"] == "SEAT_LIMIT_REACHED")
                ++capped;
            else
                ++other;
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(held.load(), 10);
    EXPECT_EQ(capped.load(), 10);
    EXPECT_EQ(other.load(), 0);
    // Bob is not affected by Alice's cap.
    auto c = app_->client();
    EXPECT_EQ(hold(c, bob_, {"FLOOR1-B-30"}).status, 201);
}

TEST_P(BookingApi, IdempotencyKeysReplayRefuseAndSerialise) {
    auto c = app_->client();
    const std::string key = "Idempotency-Key: k-" + std::to_string(clock_.nowMs());
    auto first = hold(c, alice_, {"FLOOR1-A-10"}, {key});
    ASSERT_EQ(first.status, 201) << first.body;
    auto replay = hold(c, alice_, {"FLOOR1-A-10"}, {key});
    EXPECT_EQ(replay.status, 201);
    EXPECT_EQ(replay.json()["holdId"], first.json()["holdId"]);
    EXPECT_EQ(replay.header("idempotent-replayed"), "true");
    auto conflicting = hold(c, alice_, {"FLOOR1-A-11"}, {key});
    EXPECT_EQ(conflicting.status, 422);
    EXPECT_EQ(conflicting.json()["code"], "IDEMPOTENCY_KEY_REUSED");
    // The same key is Alice's alone.
    EXPECT_EQ(hold(c, bob_, {"FLOOR1-A-12"}, {key}).status, 201);

    // Concurrent replays of one new key: one hold is made, everyone gets it.
    const std::string key2 = "Idempotency-Key: burst-" + std::to_string(clock_.nowMs());
    std::vector<std::future<HttpResult>> results;
    for (int i = 0; i < 8; ++i)
        results.push_back(std::async(std::launch::async, [&] {
            HttpClient cc(app_->port());
            return hold(cc, alice_, {"FLOOR1-A-20", "FLOOR1-A-21"}, {key2});
        }));
    std::set<std::string> ids;
    for (auto& f : results) {
        auto r = f.get();
        ASSERT_EQ(r.status, 201) << r.body;
        ids.insert(r.json()["holdId"].get<std::string>());
    }
    EXPECT_EQ(ids.size(), 1u);

    // Orders and confirmations replay too.
    const std::string holdId = first.json()["holdId"];
    std::vector<std::string> h{"Content-Type: application/json", "Authorization: Bearer " + alice_,
                               "Idempotency-Key: order-" + holdId};
    const std::string body = json{{"holdId", holdId}, {"customer", {{"name", "A"}, {"email", "a@example.com"}}}}.dump();
    auto o1 = c.request("POST", "/v1/orders", body, h);
    auto o2 = c.request("POST", "/v1/orders", body, h);
    ASSERT_EQ(o1.status, 201) << o1.body;
    EXPECT_EQ(o2.json()["orderId"], o1.json()["orderId"]);
}

INSTANTIATE_TEST_SUITE_P(Stacks, BookingApi, ::testing::Values(Backend::Sqlite, Backend::PostgresRedis),
                         [](const auto& p) { return backendName(p.param); });

}  // namespace
}  // namespace boxoffice::testing
